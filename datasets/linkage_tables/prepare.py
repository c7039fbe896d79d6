"""Rebuild the linkage tables deterministically: python datasets/linkage_tables/prepare.py

A fictional town of 4,000 residents, and two tables about them that chapter 09
joins. `hospital_discharges.csv` is "de-identified": no names, but postcode,
date of birth and sex are kept, as in the medical records Sweeney linked in
1997. `voter_roll.csv` is "public": names with the same three attributes.
`linkage_truth.csv` says who each hospital record really belongs to, which only
a synthetic data set can tell us; it lets the chapter check that a unique match
is a correct re-identification.
"""
import csv
import datetime as dt
from pathlib import Path

import numpy as np

SEED = 2000  # the year of Sweeney's "Simple demographics often identify people uniquely"
N_RESIDENTS = 4000
N_PATIENTS = 1000
VOTER_REGISTRATION_RATE = 0.75
# Twelve fictional five-digit postcodes in two districts (first three digits 471 and 472).
POSTCODES = [f"471{i:02d}" for i in range(1, 7)] + [f"472{i:02d}" for i in range(1, 7)]
POSTCODE_WEIGHTS = [0.13, 0.11, 0.10, 0.09, 0.08, 0.07, 0.09, 0.08, 0.07, 0.07, 0.06, 0.05]
BIRTH_FIRST, BIRTH_LAST = dt.date(1940, 1, 1), dt.date(2004, 12, 31)
FIRST_NAMES = {
    "F": ["Ada", "Alma", "Berit", "Carla", "Dana", "Edith", "Elena", "Fatima", "Greta", "Hana", "Ines", "Irene",
          "Jana", "Kira", "Lena", "Lucia", "Maja", "Marta", "Nadia", "Nora", "Olga", "Paula", "Rosa", "Sara",
          "Selma", "Tara", "Una", "Vera", "Wanda", "Zoe"],
    "M": ["Aaron", "Bruno", "Carl", "David", "Emil", "Felix", "Goran", "Hugo", "Ivan", "Jonas", "Karim", "Lars",
          "Leon", "Marco", "Milan", "Nils", "Omar", "Oskar", "Pavel", "Rafael", "Samir", "Tomas", "Umar", "Victor",
          "Walter", "Xaver", "Yusuf", "Zeno", "Anton", "Bernd"],
}
SURNAMES = ["Abel", "Bauer", "Berg", "Brandt", "Costa", "Dahl", "Eklund", "Falk", "Fischer", "Gallo", "Hahn",
            "Holm", "Ivanova", "Jensen", "Kaya", "Keller", "Kovac", "Lang", "Lind", "Marin", "Meyer", "Moreau",
            "Nagy", "Novak", "Olsen", "Petrov", "Quist", "Rossi", "Sato", "Schmid", "Sousa", "Stein", "Storm",
            "Toth", "Ueda", "Vogel", "Weber", "Wolff", "Yilmaz", "Zeller", "Amsel", "Borg", "Claes", "Dorn",
            "Engel", "Frost", "Graf", "Horn", "Kern", "Lorenz"]
# Diagnoses at discharge and their shares (invented; some are sensitive on purpose).
DIAGNOSES = ["appendicitis", "asthma", "bone fracture", "pneumonia", "type 2 diabetes", "heart failure",
             "depression", "substance use disorder", "HIV infection", "childbirth", "kidney stones", "migraine"]
DIAGNOSIS_WEIGHTS = [0.08, 0.09, 0.14, 0.11, 0.10, 0.08, 0.09, 0.05, 0.03, 0.10, 0.07, 0.06]


def make_tables(rng: np.random.Generator) -> tuple[list[dict], list[dict], list[dict]]:
    days = (BIRTH_LAST - BIRTH_FIRST).days + 1
    people = []
    for person in range(N_RESIDENTS):
        sex = "F" if rng.random() < 0.51 else "M"
        people.append({
            "name": f"{rng.choice(FIRST_NAMES[sex])} {rng.choice(SURNAMES)}",
            "postcode": str(rng.choice(POSTCODES, p=POSTCODE_WEIGHTS)),
            "birth_date": (BIRTH_FIRST + dt.timedelta(days=int(rng.integers(days)))).isoformat(),
            "sex": sex,
            "registered": bool(rng.random() < VOTER_REGISTRATION_RATE),
        })
    voters, voter_id_of = [], {}
    for person, row in enumerate(people):
        if row["registered"]:
            voter_id_of[person] = f"V{len(voters) + 1:05d}"
            voters.append({"voter_id": voter_id_of[person], "name": row["name"], "postcode": row["postcode"],
                           "birth_date": row["birth_date"], "sex": row["sex"]})
    patients = sorted(rng.choice(N_RESIDENTS, size=N_PATIENTS, replace=False))
    hospital, truth = [], []
    for record, person in enumerate(rng.permutation(patients)):
        row = people[person]
        diagnosis = str(rng.choice(DIAGNOSES, p=DIAGNOSIS_WEIGHTS))
        while diagnosis == "childbirth" and row["sex"] == "M":
            diagnosis = str(rng.choice(DIAGNOSES, p=DIAGNOSIS_WEIGHTS))
        record_id = f"H{record + 1:05d}"
        hospital.append({"record_id": record_id, "postcode": row["postcode"], "birth_date": row["birth_date"],
                         "sex": row["sex"], "diagnosis": diagnosis})
        truth.append({"record_id": record_id, "voter_id": voter_id_of.get(int(person), "")})
    return hospital, voters, truth


def write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    here = Path(__file__).parent
    hospital, voters, truth = make_tables(np.random.default_rng(SEED))
    write_csv(here / "hospital_discharges.csv", hospital)
    write_csv(here / "voter_roll.csv", voters)
    write_csv(here / "linkage_truth.csv", truth)
    print(f"wrote {len(hospital)} hospital records, {len(voters)} voters, {len(truth)} truth rows to {here}")
