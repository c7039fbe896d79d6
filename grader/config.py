"""The hardened nbgrader configuration every grader run uses.

Each setting closes a way a correct answer could be zeroed or a wrong one
rewarded; the comments say which.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from traitlets.config import Config

from grader.execute import HardenedExecute
from grader.preprocessors import (
    CaptureResult,
    DropUnknownGradeCells,
    NoInjectedPartialCredit,
    SanitizeForInstructors,
    StderrIsNotFailure,
)

# Our slowest solution cell takes well under a minute on a 2-core laptop; three
# minutes leaves room for a slow machine without letting an endless loop stall
# a class's grading (nbgrader's default of 30 s zeroes honest work on CPU).
CELL_TIMEOUT_S = 180
# A whole chapter runs in at most 90 s; ten minutes caps a notebook whose cells
# each stay just under the cell timeout.
NOTEBOOK_TIMEOUT_S = 600
# Test cells call the learner's functions on small inputs: the slowest solution
# test cell (chapter 08, two processes) takes 11 s on a busy 2-core machine, all
# others under 2 s. A function that never returns costs this long per test (at
# most the cell timeout), not three minutes.
TEST_CELL_TIMEOUT_S = 30
COURSE_ID = "deep-learning-responsibly"


def hardened_config(course_root: Path, *, cell_timeout: int = CELL_TIMEOUT_S,
                    notebook_timeout: int = NOTEBOOK_TIMEOUT_S, sandbox: dict | None = None) -> Config:
    c = Config()
    c.CourseDirectory.root = str(course_root)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".DS_Store"]
    c.Execute.timeout = cell_timeout
    c.Execute.interrupt_on_timeout = True
    c.HardenedExecute.notebook_timeout = notebook_timeout
    c.HardenedExecute.test_timeout = min(TEST_CELL_TIMEOUT_S, cell_timeout)
    # The chapter's imports are read from the source, never from the submission.
    c.HardenedExecute.source_dir = str(Path(course_root) / "source")
    c.HardenedExecute.sandbox = sandbox or {}
    # nbclient skips cells carrying this tag. The default ("skip-execution") is
    # public, so a learner could tag a test cell and skip it; a fresh random
    # tag per run cannot be guessed.
    c.Execute.skip_cells_with_tag = f"skip-{secrets.token_hex(16)}"
    # A deleted test cell must count as a failed test, not vanish from the total.
    c.OverwriteCells.add_missing_cells = True
    # Duplicated or forged nbgrader cells would stop nbgrader; they become ordinary cells.
    c.Autograde.sanitize_preprocessors = [
        ClearOutput,
        DeduplicateIds,
        DropUnknownGradeCells,
        OverwriteKernelspec,
        OverwriteCells,
        CheckCellMetadata,
    ]
    # HardenedExecute replaces nbgrader's Execute (see grader.execute); our
    # other preprocessors run right after it, before grades are saved.
    c.Autograde.autograde_preprocessors = [
        HardenedExecute,
        NoInjectedPartialCredit,
        StderrIsNotFailure,
        SanitizeForInstructors,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
        CaptureResult,
    ]
    # Cap what a runaway print can put into an autograded notebook or feedback.
    c.LimitOutput.max_lines = 500
    c.LimitOutput.max_traceback = 50
    # Hidden tests are removed from released notebooks; feedback is built from
    # the release text, never from the source (see grader.classroom).
    c.ClearHiddenTests.enforce_metadata = True
    c.GenerateAssignment.create_assignment = True
    return c
