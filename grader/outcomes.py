"""A classroom run's results: one Outcome per submission, and the student x assignment table."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from grader.report import NoteKind

# Notes the table repeats under the grid, for the instructor to look at.
TABLE_NOTE_KINDS = {NoteKind.REVIEW.value}


@dataclass
class Outcome:
    student: str
    assignment: str
    score: float = 0.0
    max_score: float = 0.0
    status: str = "graded"  # graded | failed | unreadable | missing
    reason: str = ""  # why the score is what it is, when it is not full marks
    tests: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # kernel deaths, time limits, slow cells
    seconds: float = 0.0
    note_kinds: list[str] = field(default_factory=list)  # the NoteKind of each note, for tools; not printed

    def add_note(self, kind: NoteKind, text: str) -> None:
        self.notes.append(text)
        self.note_kinds.append(kind.value)

    def notes_of(self, kinds: set[str]) -> list[str]:
        return [note for note, kind in zip(self.notes, self.note_kinds) if kind in kinds]


def public_dict(outcome: Outcome) -> dict:
    """The outcome as `--json` and the run's report file show it."""
    data = asdict(outcome)
    del data["note_kinds"]
    return data


def table(outcomes: list[Outcome], students: list[str]) -> str:
    """Students down, assignments across; then one line per zero (or failure) saying why."""
    students = sorted({o.student for o in outcomes} | set(students))
    assignments = sorted({o.assignment for o in outcomes})
    by_key = {(o.student, o.assignment): o for o in outcomes}
    width = max([len("student")] + [len(s) for s in students])
    columns = [max(len(a), 9) for a in assignments]
    lines = ["student".ljust(width) + "  " + "  ".join(a.rjust(w) for a, w in zip(assignments, columns))]
    reasons = []
    for student in students:
        cells = []
        for assignment, w in zip(assignments, columns):
            outcome = by_key.get((student, assignment))
            if outcome is None:
                cells.append("-".rjust(w))
                reasons.append(f"{student} / {assignment}: nothing submitted")
                continue
            mark = "" if outcome.status == "graded" else "!"
            cells.append(f"{outcome.score:g}/{outcome.max_score:g}{mark}".rjust(w))
            if outcome.score <= 0 or outcome.status != "graded":
                reasons.append(f"{student} / {assignment}: {outcome.reason or 'no test passed'}")
            for note in outcome.notes_of(TABLE_NOTE_KINDS):
                reasons.append(f"{student} / {assignment}: {note}")
        lines.append(student.ljust(width) + "  " + "  ".join(cells))
    if reasons:
        lines += ["", "Zeros, failures and notes:"] + [f"  {reason}" for reason in reasons]
    return "\n".join(lines)
