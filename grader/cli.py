"""Command line: python -m grader {check,release}."""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path

from grader.errors import UngradableError

EXIT_GRADED = 0
EXIT_DRIFT = 1
EXIT_UNGRADABLE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="grade one saved notebook (the file is never modified)")
    check.add_argument("notebook", type=Path)
    check.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    release = commands.add_parser("release", help="regenerate chapters/ from solutions/")
    release.add_argument("--check", action="store_true", help="exit 1 and name chapters that drift")
    release.add_argument("chapters", nargs="*", help="only these chapters (default: all)")
    return parser


@contextlib.contextmanager
def _quiet_stderr():
    """Silence nbgrader's log and the kernel's start-up chatter (both write to fd 2).

    The learner sees one table; if grading fails unexpectedly, the captured text
    is replayed so nothing is hidden from a maintainer.
    """
    sys.stderr.flush()
    saved_fd = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            with contextlib.redirect_stderr(io.TextIOWrapper(os.fdopen(os.dup(2), "wb"), write_through=True)):
                yield
        except UngradableError:
            raise
        except BaseException:
            os.dup2(saved_fd, 2)
            sink.seek(0)
            sys.stderr.write(sink.read().decode("utf-8", "replace"))
            raise
        finally:
            os.dup2(saved_fd, 2)
            os.close(saved_fd)


def _check(args: argparse.Namespace) -> int:
    from grader.check import grade

    try:
        with _quiet_stderr():
            report = grade(args.notebook)
    except UngradableError as error:
        print(f"Cannot grade: {error}", file=sys.stderr)
        return EXIT_UNGRADABLE
    print(report.to_json() if args.json else report.to_table())
    return EXIT_GRADED


def _release(args: argparse.Namespace) -> int:
    from grader.paths import chapter_names
    from grader.release import drifting_chapters, release

    unknown = sorted(set(args.chapters) - set(chapter_names()))
    if unknown:
        print(f"Unknown chapter(s): {', '.join(unknown)}; known: {', '.join(chapter_names())}", file=sys.stderr)
        return EXIT_UNGRADABLE
    if args.check:
        drifting = drifting_chapters(args.chapters or None)
        if drifting:
            print("Out of sync with solutions/ (run `python -m grader release`): " + ", ".join(drifting))
            return EXIT_DRIFT
        print("chapters/ is in sync with solutions/")
        return 0
    for chapter in release(args.chapters or None):
        print(f"released chapters/{chapter}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "check":
        return _check(args)
    return _release(args)
