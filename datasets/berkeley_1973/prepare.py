"""Write berkeley_1973.csv: python datasets/berkeley_1973/prepare.py

Graduate admissions to the six largest departments of the University of
California, Berkeley, for the autumn of 1973, by sex: the counts behind the
best-known example of Simpson's paradox. They are published facts, typed in
here: Bickel, Hammel & O'Connell, "Sex bias in graduate admissions: data from
Berkeley", Science 187 (1975) 398-404, analysed these data; the six-department
table in this form appears in Freedman, Pisani & Purves, *Statistics* (1978),
and ships with R as the dataset `UCBAdmissions`. Departments are anonymised A-F
in every published source.
"""
import csv
from pathlib import Path

# department: (men applied, men admitted, women applied, women admitted)
COUNTS = {
    "A": (825, 512, 108, 89),
    "B": (560, 353, 25, 17),
    "C": (325, 120, 593, 202),
    "D": (417, 138, 375, 131),
    "E": (191, 53, 393, 94),
    "F": (373, 22, 341, 24),
}
# Published totals the table must reproduce (R's documentation of UCBAdmissions).
TOTALS = {"men": (2691, 1198), "women": (1835, 557)}


def rows() -> list[dict]:
    table = []
    for department, (men_applied, men_admitted, women_applied, women_admitted) in COUNTS.items():
        table.append({"department": department, "sex": "men", "applied": men_applied, "admitted": men_admitted})
        table.append({"department": department, "sex": "women", "applied": women_applied,
                      "admitted": women_admitted})
    for sex, (applied, admitted) in TOTALS.items():
        assert sum(r["applied"] for r in table if r["sex"] == sex) == applied, f"{sex}: applied total"
        assert sum(r["admitted"] for r in table if r["sex"] == sex) == admitted, f"{sex}: admitted total"
    return table


if __name__ == "__main__":
    out = Path(__file__).with_name("berkeley_1973.csv")
    table = rows()
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    print(f"wrote {out} ({len(table)} rows)")
