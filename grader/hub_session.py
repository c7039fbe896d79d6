"""Start one hub user's server in a mount namespace of its own, then become that user.

``python -m grader.hub_session --user NAME [mount options] -- COMMAND...`` is the
command the hub's spawner (``grader.hub_spawner``) runs as root. It

1. enters a new mount namespace (nothing it mounts is seen outside);
2. binds the given folders aside, covers the hidden ones with empty read-only
   tmpfs, mounts a private ``/tmp``, and moves the binds to their places (so a
   folder can be bound back inside one it hides: the Python installation
   inside root's home, the exchange at nbgrader's default path);
3. drops to the user (groups, gid, uid), changes to the working folder and execs COMMAND: the process the hub watches and
   signals is the server itself.

Why: the course's interpreter may live where other users cannot reach it
(root's home, here), and a student's server should not even see the course
folder or the repository's solutions, whatever their permissions say.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import pwd
import sys
from pathlib import Path

CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_NOSUID, MS_NODEV = 1, 2, 4
MS_REMOUNT, MS_BIND, MS_MOVE, MS_REC, MS_PRIVATE = 32, 4096, 8192, 16384, 1 << 18
STAGE = Path("/run/dlcourse-hub-stage")  # a mount point for binds on their way to their places
TMP_SIZE = "512m"

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _encode(text: str | None) -> bytes | None:
    return text.encode() if text is not None else None


def _mount(source: str | None, target: Path, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(_libc.mount(_encode(source), str(target).encode(), _encode(fstype), ctypes.c_ulong(flags), _encode(data)),
           f"mount {source or fstype} on {target}")


def enter_namespace(*, hide: list[Path], binds: list[tuple[Path, Path, bool]], private_tmp: bool) -> None:
    """The mounts described in the module docstring, in the current process (must be root)."""
    binds = sorted(binds, key=lambda bind: len(bind[1].parts))  # a folder before the folders bound inside it
    targets = [target for _, target, _ in binds]
    # A folder hidden inside a bound one (solutions/ inside the repository) is covered after the binds.
    hide_first = [f for f in hide if not any(t == f or t in f.parents for t in targets)]
    hide_after = [f for f in hide if f not in hide_first]
    _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _mount(None, Path("/"), None, MS_REC | MS_PRIVATE)  # nothing below propagates back to the host
    STAGE.mkdir(mode=0o700, exist_ok=True)
    _mount("stage", STAGE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700,size=1m")
    staged = []
    for index, (source, target, read_only) in enumerate(binds):
        spot = STAGE / str(index)
        spot.mkdir()
        _mount(str(source), spot, None, MS_BIND | MS_REC)
        if read_only:
            _mount(None, spot, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID)
        staged.append((spot, target))
    for folder in hide_first:
        if folder.is_dir():
            _mount("hidden", folder, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    if private_tmp:
        _mount("tmp", Path("/tmp"), "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,size={TMP_SIZE}")
    for spot, target in staged:
        target.mkdir(parents=True, exist_ok=True)  # inside a tmpfs just mounted, never on the host's disk
        _mount(str(spot), target, None, MS_MOVE)
    for folder in hide_first:  # the covers stay empty and unwritable once the binds are in
        if folder.is_dir():
            _mount(None, folder, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "mode=0755")
    for folder in hide_after:
        if folder.is_dir():
            _mount("hidden", folder, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    _check(_libc.umount2(str(STAGE).encode(), 2), "umount stage")  # MNT_DETACH


def become(user: str) -> pwd.struct_passwd:
    entry = pwd.getpwnam(user)
    os.setgroups(os.getgrouplist(user, entry.pw_gid))
    os.setgid(entry.pw_gid)
    os.setuid(entry.pw_uid)
    # no_new_privs is not set: students change their password with `passwd` (setuid) in a terminal.
    return entry


def _bind(text: str, read_only: bool) -> tuple[Path, Path, bool]:
    source, _, target = text.partition(":")
    return Path(source), Path(target or source), read_only


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" not in argv:
        print("usage: python -m grader.hub_session --user NAME [options] -- COMMAND...", file=sys.stderr)
        return 2
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="python -m grader.hub_session")
    parser.add_argument("--user", required=True)
    parser.add_argument("--hide", action="append", default=[], type=Path, help="cover with an empty tmpfs")
    parser.add_argument("--bind", action="append", default=[], help="SOURCE[:TARGET], writable")
    parser.add_argument("--ro-bind", action="append", default=[], help="SOURCE[:TARGET], read-only")
    parser.add_argument("--private-tmp", action="store_true")
    parser.add_argument("--chdir", type=Path)
    args = parser.parse_args(argv[:split])
    command = argv[split + 1:]
    if os.geteuid() != 0:
        print("grader.hub_session must start as root (it is the hub's spawner command)", file=sys.stderr)
        return 2
    binds = [_bind(b, True) for b in args.ro_bind] + [_bind(b, False) for b in args.bind]
    enter_namespace(hide=args.hide, binds=binds, private_tmp=args.private_tmp)
    entry = become(args.user)
    workdir = args.chdir or Path(entry.pw_dir)
    os.chdir(workdir if workdir.is_dir() else "/")
    os.execvp(command[0], command)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
