"""Command line: python -m grader {check,release,classroom,book}."""
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
    check.add_argument("--lang", choices=["en", "zh"], help="language of the table (default: the notebook's edition)")
    check.add_argument("--cell-timeout", type=int, default=None, help="seconds per cell (default 180)")
    check.add_argument("--notebook-timeout", type=int, default=None, help="seconds per notebook (default 600)")
    release = commands.add_parser("release", help="regenerate chapters/ from solutions/")
    release.add_argument("--check", action="store_true", help="exit 1 and name chapters that drift")
    release.add_argument("chapters", nargs="*", help="only these chapters (default: all)")
    classroom = commands.add_parser("classroom", help="an nbgrader course for a class: init, autograde, restore")
    actions = classroom.add_subparsers(dest="action", required=True)
    init = actions.add_parser("init", help="create an nbgrader course folder from solutions/")
    init.add_argument("course", type=Path)
    init.add_argument("--chapters", nargs="*", help="only these chapters (default: all)")
    init.add_argument("--lang", choices=["en", "zh"], default="en", help="the edition learners get (default: en)")
    grade = actions.add_parser("autograde", help="back up the gradebook, then grade every submission")
    grade.add_argument("course", type=Path)
    grade.add_argument("--assignment", help="only this assignment (default: all)")
    grade.add_argument("--student", action="append", help="only this student (repeat for more)")
    grade.add_argument("--workers", type=int, default=2, help="submissions graded at once (default: 2)")
    grade.add_argument("--scheduler", metavar="ADDRESS",
                       help="grade on a Dask cluster: tcp://HOST:PORT of a running `dask scheduler`, "
                            "or local:N for a cluster of N worker processes on this machine")
    grade.add_argument("--force", action="store_true",
                       help="regrade submissions that were graded before and have not changed")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="run student code without the sandbox (only for code you trust)")
    grade.add_argument("--memory", type=_size, default=None, help="memory limit per kernel, e.g. 2G (default)")
    grade.add_argument("--cell-timeout", type=int, default=None, help="seconds per cell (default 180)")
    grade.add_argument("--notebook-timeout", type=int, default=None, help="seconds per notebook (default 600)")
    grade.add_argument("--no-feedback", action="store_true", help="do not generate feedback files")
    grade.add_argument("--json", action="store_true", help="print the outcomes as JSON instead of a table")
    back = actions.add_parser("restore", help="replace the gradebook with a backup (default: the newest good one)")
    back.add_argument("course", type=Path)
    back.add_argument("backup", nargs="?", help="a file name in COURSE/backups/")
    from grader.hub_cli import add_hub_commands
    add_hub_commands(actions)  # hub, roster
    book = commands.add_parser("book", help="build the web book (both editions, no answers) offline")
    book.add_argument("--out", type=Path, default=None, help="site folder (default: _build/book)")
    book.add_argument("chapters", nargs="*", help="only these chapters (default: all)")
    return parser


def _size(text: str) -> int:
    units = {"K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


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

    limits = {key: value for key, value in (("cell_timeout", args.cell_timeout),
                                             ("notebook_timeout", args.notebook_timeout),
                                             ("language", args.lang)) if value}
    try:
        with _quiet_stderr():
            report = grade(args.notebook, **limits)
    except UngradableError as error:
        print(f"Cannot grade: {error}", file=sys.stderr)
        return EXIT_UNGRADABLE
    print(report.to_json() if args.json else report.to_table())
    return EXIT_GRADED


def _release(args: argparse.Namespace) -> int:
    from grader.paths import chapter_names
    from grader.release import drifting_chapters, release, translation_problems

    unknown = sorted(set(args.chapters) - set(chapter_names()))
    if unknown:
        print(f"Unknown chapter(s): {', '.join(unknown)}; known: {', '.join(chapter_names())}", file=sys.stderr)
        return EXIT_UNGRADABLE
    untranslated = translation_problems(args.chapters or None)
    for edition, trouble in untranslated.items():
        print(f"Translation of {edition} is not up to date (edit docs/zh/catalogs/, see "
              f"`python -m grader.translations status`): " + "; ".join(trouble))
    if args.check:
        drifting = drifting_chapters(args.chapters or None)
        if drifting:
            print("Out of sync with solutions/ (run `python -m grader release`): " + ", ".join(drifting))
        if drifting or untranslated:
            return EXIT_DRIFT
        print("chapters/ is in sync with solutions/")
        return 0
    for chapter in release(args.chapters or None):
        print(f"released chapters/{chapter}")
    return EXIT_DRIFT if untranslated else 0


def _classroom(args: argparse.Namespace) -> int:
    from grader import classroom
    from grader.hub_cli import HUB_ACTIONS, run_hub_command

    if args.action in HUB_ACTIONS:
        return run_hub_command(args)

    try:
        if args.action == "init":
            chapters = classroom.init(args.course, args.chapters, language=args.lang)
            print(f"Created the course {args.course.resolve()} with {len(chapters)} assignment(s): "
                  f"{', '.join(chapters)}. Next: see grader/README.md.")
        elif args.action == "restore":
            chosen, saved = classroom.restore(args.course, args.backup)
            print(f"Restored the gradebook from {chosen.name}"
                  + (f"; the file it replaced is kept as backups/{saved.name}" if saved else ""))
        else:
            outcomes = classroom.autograde(
                args.course, assignment=args.assignment, students=args.student, workers=args.workers,
                scheduler=args.scheduler, force=args.force, sandbox=not args.no_sandbox, progress=True,
                memory=args.memory, cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
                feedback=not args.no_feedback, log=(lambda line: print(line, file=sys.stderr, flush=True)))
            if args.json:
                import json

                print(json.dumps([classroom.public_dict(o) for o in outcomes], indent=1))
            else:
                print(classroom.table(outcomes, args.course.resolve()))
    except classroom.ClassroomError as error:
        print(f"Cannot {args.action}: {error}", file=sys.stderr)
        return EXIT_UNGRADABLE
    except KeyboardInterrupt:
        print("Interrupted: every submission graded so far is in the gradebook; run the same command "
              "again to grade the rest.", file=sys.stderr)
        return 130
    return 0


def _book(args: argparse.Namespace) -> int:
    from grader import book
    from grader.book_outputs import SolutionFailed
    from grader.book_theme import ThemeBuildError
    from grader.paths import chapter_names

    unknown = sorted(set(args.chapters) - set(chapter_names()))
    if unknown:
        print(f"Unknown chapter(s): {', '.join(unknown)}; known: {', '.join(chapter_names())}", file=sys.stderr)
        return EXIT_UNGRADABLE
    out = (args.out or book.DEFAULT_OUT).resolve()
    try:
        pages = book.build(out, args.chapters or None)
    except (book.BookError, ThemeBuildError, SolutionFailed) as error:
        print(f"Cannot build the book: {error}", file=sys.stderr)
        return EXIT_UNGRADABLE
    print(f"Built {len(pages)} chapter pages into {out} (open index.html through a web server, "
          f"e.g. python -m http.server -d {out})")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "check":
        return _check(args)
    if args.command == "book":
        return _book(args)
    if args.command == "classroom":
        return _classroom(args)
    return _release(args)
