"""grader/README.md carries the outcome table generated from the adversarial cases."""
from grader.paths import REPO_ROOT
from tests.adversarial.submissions import IN_PROCESS
from tests.adversarial.table import BEGIN, END, table


def test_readme_outcome_table_matches_the_cases():
    readme = (REPO_ROOT / "grader" / "README.md").read_text()
    assert BEGIN in readme and END in readme
    current = readme[readme.index(BEGIN): readme.index(END) + len(END)]
    assert current == table(), "regenerate it: python -m tests.adversarial.table"


def test_at_least_thirty_adversarial_cases():
    from tests.adversarial.classroom_cases import STUDENTS

    distinct_students = {s.name for s in STUDENTS if not s.name.startswith("repeat")} | {"repeat"}
    assert len(IN_PROCESS) + len(distinct_students) >= 30
