"""The `classroom hub` and `classroom roster` commands (their parsers and what they print)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HUB_ACTIONS = ("hub", "roster")


def add_hub_commands(actions) -> None:
    from grader.hub import EXCHANGE_DEFAULT

    hub = actions.add_parser("hub", help="run a JupyterHub for the course (as root; PAM accounts)")
    hub.add_argument("course", type=Path)
    hub.add_argument("--ip", default="127.0.0.1", help="address the hub listens on (default 127.0.0.1)")
    hub.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    hub.add_argument("--instructor", default="instructor",
                     help="the instructor's account; created with a one-time password if missing")
    hub.add_argument("--exchange", type=Path, default=EXCHANGE_DEFAULT,
                     help=f"nbgrader's exchange folder on this machine (default {EXCHANGE_DEFAULT})")
    hub.add_argument("--state", type=Path, default=None,
                     help="the hub's own files (default /var/lib/dlcourse-hub/COURSE_NAME)")
    roster = actions.add_parser("roster", help="add students from a CSV to the gradebook and create their accounts")
    roster.add_argument("course", type=Path)
    roster.add_argument("csv", type=Path, help="columns id, first_name, last_name, email (id required)")


def run_hub_command(args: argparse.Namespace) -> int:
    from grader.errors import ClassroomError

    try:
        if args.action == "roster":
            from grader.roster import add_students, password_table

            accounts = add_students(args.course, args.csv)
            print(password_table(accounts))
            print(f"{len(accounts)} student(s) in the gradebook and allowed on the hub. "
                  "Hand each password over privately; students change it with `passwd` in a JupyterLab terminal.")
            return 0
        from grader.hub import HubSettings, run

        settings = HubSettings(args.course, instructor=args.instructor, ip=args.ip, port=args.port,
                               exchange=args.exchange, state=args.state)
        return run(settings, log=lambda line: print(line, file=sys.stderr, flush=True))
    except ClassroomError as error:
        print(f"Cannot {args.action}: {error}", file=sys.stderr)
        return 2
