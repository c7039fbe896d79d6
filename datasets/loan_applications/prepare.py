"""Rebuild loan_applications.csv deterministically: python datasets/loan_applications/prepare.py

A synthetic table of 6,000 loan applications with a bias planted on purpose,
for chapter 10. Each applicant belongs to group A or B, standing for any
protected attribute. The generator encodes three mechanisms by which real
lending data come to be biased, each with a named parameter below:

1. structural inequality: group B's incomes are lower on average, so fewer of
   them would repay even if everyone were judged fairly (different base rates);
2. residential segregation: group B lives mostly in neighbourhoods 6-8, so the
   neighbourhood is a *proxy* that reveals the group;
3. biased past decisions: the loan officers whose decisions form the label
   `approved` marked group B down, and marked down neighbourhoods 6-8 for
   everybody (as the 1930s "redlining" maps did).

`repaid` says whether the applicant would have repaid, from income, debt and
employment only; no group or neighbourhood term enters it. A real bank never
observes it for applicants it refused; we can, because we wrote the generator.
"""
import csv
from pathlib import Path

import numpy as np

SEED = 1977
N_APPLICANTS = 6000
SHARE_GROUP_B = 0.30
# Probabilities of living in neighbourhoods 1..8, by group (segregation: the proxy).
NEIGHBOURHOOD_P = {
    "A": [0.19, 0.18, 0.17, 0.17, 0.17, 0.06, 0.04, 0.02],
    "B": [0.02, 0.02, 0.03, 0.02, 0.03, 0.22, 0.30, 0.36],
}
MEDIAN_INCOME_KEUR = 48.0
GROUP_B_LOG_INCOME_GAP = -0.18  # about 16% lower median income: structural, not a rule of the bank
GROUP_B_EXTRA_DEBT_RATIO = 0.05
OFFICER_PENALTY_GROUP_B = 0.40  # direct discrimination in the historical decisions
OFFICER_PENALTY_NEIGHBOURHOODS_6_8 = 0.25  # redlining in the historical decisions


def creditworthiness(income, debt_ratio, years):
    """The true, group-blind part of the repayment odds (log-odds scale, shifted)."""
    return 1.6 * np.log(income / 45.0) - 3.0 * (debt_ratio - 0.3) + 0.06 * (years - 8)


def make_table(rng: np.random.Generator) -> list[dict]:
    group_b = rng.random(N_APPLICANTS) < SHARE_GROUP_B
    neighbourhood = np.where(group_b,
                             rng.choice(8, size=N_APPLICANTS, p=NEIGHBOURHOOD_P["B"]),
                             rng.choice(8, size=N_APPLICANTS, p=NEIGHBOURHOOD_P["A"])) + 1  # 1..8
    income = np.exp(rng.normal(np.log(MEDIAN_INCOME_KEUR) + GROUP_B_LOG_INCOME_GAP * group_b, 0.4)).round(1)
    debt_ratio = np.clip(rng.beta(2, 5, N_APPLICANTS) + GROUP_B_EXTRA_DEBT_RATIO * group_b, 0, 0.95).round(2)
    years = np.clip(rng.gamma(2.0, 4.0, N_APPLICANTS), 0, 40).round().astype(int)
    score = creditworthiness(income, debt_ratio, years)
    repaid = (score + rng.logistic(0, 0.6, N_APPLICANTS) > -0.9).astype(int)
    officer_view = (score + rng.normal(0, 0.5, N_APPLICANTS)
                    - OFFICER_PENALTY_GROUP_B * group_b
                    - OFFICER_PENALTY_NEIGHBOURHOODS_6_8 * (neighbourhood >= 6))
    approved = (officer_view > -0.5).astype(int)
    return [{"applicant_id": f"L{i + 1:05d}", "group": "B" if group_b[i] else "A",
             "neighbourhood": int(neighbourhood[i]), "income_keur": f"{income[i]:.1f}",
             "debt_ratio": f"{debt_ratio[i]:.2f}", "years_employed": int(years[i]),
             "approved": int(approved[i]), "repaid": int(repaid[i])}
            for i in range(N_APPLICANTS)]


if __name__ == "__main__":
    out = Path(__file__).with_name("loan_applications.csv")
    rows = make_table(np.random.default_rng(SEED))
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {out} ({len(rows)} rows)")
