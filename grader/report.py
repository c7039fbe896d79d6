"""The result of grading one notebook: rows, a score, a table and JSON."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from grader.i18n import tr


class NoteKind(StrEnum):
    """What a note is about; tools pick notes by kind, never by their wording."""

    REVIEW = "review"  # a construct worth a human's look (grader.scan)
    RESTORED = "restored"  # the learner's code changed something the grader put back for the tests
    FAILURE = "failure"  # something around grading failed (feedback not generated, ...)
    LIMIT = "limit"  # the code ran into a resource limit and the grader stepped in (processes ended, ...)
    INFO = "info"  # anything else worth knowing (a renamed notebook, ...)


@dataclass
class TestResult:
    name: str  # the nbgrader grade_id, e.g. "test_mse_loss_values"
    score: float
    max_score: float
    status: str  # "pass" | "fail" | "error" | "manual"
    message: str = ""  # one line: why it failed, or what a manual grade needs
    description: str = ""  # the test's one-line docstring


@dataclass
class Report:
    chapter: str
    notebook: str
    tests: list[TestResult] = field(default_factory=list)
    # Things the learner (or an instructor) should know that are not a test row:
    # patches the grader undid, constructs it cannot see past.
    notes: list[str] = field(default_factory=list)
    note_kinds: list[str] = field(default_factory=list, repr=False, compare=False)  # NoteKind of each note
    # What happened to the run (a kernel death, a time limit, a slow cell), for instructors.
    events: list[str] = field(default_factory=list, repr=False, compare=False)
    # The notebook as nbgrader executed it (outputs included); for tests and
    # classroom tools, never shown to a learner because it holds hidden tests.
    executed: object = field(default=None, repr=False, compare=False)
    language: str = field(default="en", repr=False, compare=False)  # of the table (grader.i18n)

    def add_note(self, kind: NoteKind, text: str) -> None:
        self.notes.append(text)
        self.note_kinds.append(kind.value)

    @property
    def score(self) -> float:
        return sum(test.score for test in self.tests)

    @property
    def max_score(self) -> float:
        return sum(test.max_score for test in self.tests)

    def to_json(self) -> str:
        return json.dumps({
            "chapter": self.chapter,
            "notebook": self.notebook,
            "score": self.score,
            "max_score": self.max_score,
            "tests": [asdict(test) for test in self.tests],
            "notes": self.notes,
        }, indent=2)

    def to_table(self) -> str:
        def t(text: str, **values) -> str:
            return tr(text, self.language, **values)

        name_width = max([len(t("test"))] + [len(test.name) for test in self.tests])
        lines = [f"{self.chapter}: {self.notebook}", "",
                 f"{t('test'):<{name_width}}  {t('points'):>7}  {t('status'):<6}  {t('reason')}"]
        for test in self.tests:
            points = f"{test.score:g}/{test.max_score:g}"
            lines.append(f"{test.name:<{name_width}}  {points:>7}  {t(test.status):<6}  {t(test.message)}".rstrip())
        manual = [test for test in self.tests if test.status == "manual"]
        lines += ["", f"{t('Score')}: {self.score:g} / {self.max_score:g}"]
        if manual:
            lines.append(t("({count} written answer(s) worth {points} points are graded by a person and count 0 "
                           "here.)", count=len(manual), points=f"{sum(x.max_score for x in manual):g}"))
        lines += [f"{t('Note')}: {note}" for note in self.notes]
        return "\n".join(lines)
