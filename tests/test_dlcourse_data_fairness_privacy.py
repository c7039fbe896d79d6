"""The datasets of chapters 09 and 10: they rebuild byte for byte and load with their documented shapes."""
import runpy
import shutil
import subprocess
import sys

import numpy as np
import pytest

import dlcourse as dl
from grader.paths import REPO_ROOT

REBUILT = {
    "linkage_tables": ["hospital_discharges.csv", "voter_roll.csv", "linkage_truth.csv"],
    "berkeley_1973": ["berkeley_1973.csv"],
    "loan_applications": ["loan_applications.csv"],
}


@pytest.mark.parametrize("name", sorted(REBUILT))
def test_rebuilds_byte_for_byte(name, tmp_path):
    copy = tmp_path / name
    shutil.copytree(REPO_ROOT / "datasets" / name, copy)
    for filename in REBUILT[name]:
        (copy / filename).unlink()
    subprocess.run([sys.executable, str(copy / "prepare.py")], check=True, capture_output=True)
    for filename in REBUILT[name]:
        assert (copy / filename).read_bytes() == (REPO_ROOT / "datasets" / name / filename).read_bytes()


def test_linkage_tables_link_and_truth_agrees():
    hospital, voters, truth = dl.data.load_linkage_tables()
    assert len(hospital) == 1000 and len(voters) == 2999 and set(truth) == {r["record_id"] for r in hospital}
    assert set(hospital[0]) == {"record_id", "postcode", "birth_date", "sex", "diagnosis"}
    assert set(voters[0]) == {"voter_id", "name", "postcode", "birth_date", "sex"}
    by_id = {v["voter_id"]: v for v in voters}
    on_roll = [r for r in hospital if truth[r["record_id"]] is not None]
    assert 650 < len(on_roll) < 850  # 75 % of residents are registered
    for record in on_roll:  # the truth file points at a voter with the same quasi-identifiers
        voter = by_id[truth[record["record_id"]]]
        assert all(voter[key] == record[key] for key in ("postcode", "birth_date", "sex"))
    assert not any(r["diagnosis"] == "childbirth" and r["sex"] == "M" for r in hospital)


def test_berkeley_counts_reproduce_the_published_totals():
    table = dl.data.load_berkeley_admissions()
    assert table["applied"].dtype == np.int64 and table["applied"].shape == (12,)
    men, women = table["sex"] == "men", table["sex"] == "women"
    assert (table["applied"][men].sum(), table["admitted"][men].sum()) == (2691, 1198)
    assert (table["applied"][women].sum(), table["admitted"][women].sum()) == (1835, 557)
    assert list(table["department"][men]) == list("ABCDEF")
    assert np.all(table["admitted"] <= table["applied"])


def test_loan_applications_carry_the_planted_bias():
    loans = dl.data.load_loan_applications()
    assert set(loans) == {"group", "neighbourhood", "income_keur", "debt_ratio", "years_employed",
                          "approved", "repaid"}
    assert all(len(column) == 6000 for column in loans.values())
    b = loans["group"] == "B"
    assert 0.27 < b.mean() < 0.33
    assert loans["approved"][~b].mean() - loans["approved"][b].mean() > 0.3, "the planted decision bias"
    assert loans["repaid"][~b].mean() > loans["repaid"][b].mean(), "the structural gap in base rates"
    assert (loans["neighbourhood"][b] >= 6).mean() > 0.8 > 0.2 > (loans["neighbourhood"][~b] >= 6).mean()
    generator = runpy.run_path(str(REPO_ROOT / "datasets/loan_applications/prepare.py"))
    score = generator["creditworthiness"](loans["income_keur"], loans["debt_ratio"], loans["years_employed"])
    # repaid depends on the group only through the features: within a narrow score band the rates agree
    band = (score > 0.0) & (score < 0.5)
    assert abs(loans["repaid"][band & b].mean() - loans["repaid"][band & ~b].mean()) < 0.08
