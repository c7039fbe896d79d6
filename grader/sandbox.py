"""The classroom sandbox: a kernel command wrapped in bubblewrap, prlimit and setpriv.

What a sandboxed kernel gets (see "Sandbox" in ../shared/DESIGN.md):

* its own network, IPC, PID and UTS namespaces: no network at all, no way to
  see or signal the grader or other students' kernels, and every process it
  starts dies with it;
* no capabilities, and ``no_new_privs``;
* a file system built from an allow-list, read-only: the system folders, the
  Python installation and virtual environment, and from this repository only
  ``dlcourse/`` and ``datasets/``. ``solutions/``, ``.git``, the course's
  ``source/``, ``release/``, other students' folders and the gradebook are not
  there at all. The submission's own folder is the only writable place on
  disk (as ``/home/learner/<assignment>``), plus a small ``/tmp``;
* limits: memory (2 GiB of heap and private mappings by default), file size,
  open files, and a process limit. Linux does not enforce the process limit for root, so when
  the grader runs as root the kernel runs as an unprivileged uid of its own
  (one per worker, so one student's fork bomb cannot starve another); as an
  ordinary user it gets its own user namespace, where the limit counts only
  the sandbox's processes.

The kernel talks to the grader over Unix sockets in a runtime folder that is
bound into the sandbox (a new network namespace cannot reach the grader's
loopback ports).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from grader.paths import REPO_ROOT

DEFAULT_MEMORY = 2 * 1024 ** 3
DEFAULT_PROCESSES = 256  # threads count too: torch and BLAS start a few per core
DEFAULT_FILE_SIZE = 256 * 1024 ** 2
TMP_SIZE = 256 * 1024 ** 2
SHM_SIZE = 64 * 1024 ** 2  # tmpfs pages are not counted by the memory limit, so both are small
FIRST_UID = 61000  # kernels of worker k run as FIRST_UID + k when the grader is root
REPO_PATHS = ("dlcourse", "datasets")  # all a kernel needs from this repository
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "fonts", "passwd", "group",
             "nsswitch.conf", "alternatives", "mime.types", "matplotlibrc")
LEARNER_HOME = "/home/learner"


class SandboxUnavailable(Exception):
    """Raised with a one-line reason when bubblewrap cannot run a sandbox here."""


def _python_paths() -> list[Path]:
    """Folders the kernel's interpreter needs: installation, environment, import path."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), Path(sys.exec_prefix).resolve()}
    for entry in sys.path:
        if not entry:
            continue
        path = Path(entry).resolve()
        if path == REPO_ROOT or REPO_ROOT in path.parents or path == Path.cwd().resolve():
            continue
        if path.is_dir():
            paths.add(path)
        elif path.parent.is_dir() and path.suffix == ".zip":
            paths.add(path.parent)
    executable = Path(sys.executable).resolve()
    paths.add(executable.parent)
    roots: list[Path] = []
    for path in sorted(paths, key=lambda p: len(p.parts)):
        if str(path).startswith(tuple(s + "/" for s in SYSTEM_PATHS)) or str(path) in SYSTEM_PATHS:
            continue
        if not any(root == path or root in path.parents for root in roots):
            roots.append(path)
    return roots


def _dirs_for(paths: list[Path]) -> list[str]:
    """--dir arguments (mode 0755) for every ancestor of the bind targets."""
    ancestors: set[Path] = set()
    for path in paths:
        ancestors.update(parent for parent in path.parents if parent != Path("/"))
    args: list[str] = []
    for ancestor in sorted(ancestors, key=lambda p: (len(p.parts), str(p))):
        args += ["--perms", "0755", "--dir", str(ancestor)]
    return args


def kernel_command(*, runtime_dir: Path, workdir: Path, slot: int = 0, memory: int = DEFAULT_MEMORY,
                   processes: int = DEFAULT_PROCESSES, repo_paths: tuple[str, ...] = REPO_PATHS,
                   mpl_cache: str | None = None) -> tuple[list[str], int | None]:
    """The command prefix that starts a kernel inside the sandbox, and the uid it runs as (or None)."""
    bwrap = shutil.which("bwrap")
    prlimit = shutil.which("prlimit")
    if not bwrap or not prlimit:
        raise SandboxUnavailable(availability_problem() or "bwrap or prlimit missing")
    as_root = os.geteuid() == 0
    uid = FIRST_UID + slot if as_root else None
    inside_workdir = f"{LEARNER_HOME}/{workdir.name}"
    python_paths = _python_paths()
    repo_binds = [REPO_ROOT / name for name in repo_paths if (REPO_ROOT / name).exists()]
    bind_targets = python_paths + repo_binds + [runtime_dir, Path(inside_workdir)]
    if uid is not None:
        _chown_tree(runtime_dir, uid)
        _chown_tree(workdir, uid)
    mpl_dir = runtime_dir / "matplotlib"
    if mpl_cache and Path(mpl_cache).is_dir():
        shutil.copytree(mpl_cache, mpl_dir, dirs_exist_ok=True)
    else:
        mpl_dir.mkdir(exist_ok=True)
    if uid is not None:
        _chown_tree(mpl_dir, uid)

    # RLIMIT_DATA (heap and private writable mappings) rather than RLIMIT_AS: torch and
    # the C library reserve far more address space than they use, and how much
    # depends on thread timing, so an address-space limit kills honest kernels on a
    # busy machine.
    outer = [prlimit, f"--data={memory}", f"--fsize={DEFAULT_FILE_SIZE}", "--nofile=1024", "--core=0", "--"]
    args = [bwrap, "--unshare-net", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--cap-drop", "ALL", "--hostname", "sandbox"]
    if as_root:
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]  # only for setpriv, dropped at exec
    else:
        args += ["--unshare-user"]
    args += ["--clearenv"]
    for key, value in _sandbox_env(runtime_dir, inside_workdir, mpl_dir).items():
        args += ["--setenv", key, value]
    for path in SYSTEM_PATHS:
        if os.path.lexists(path):
            args += ["--ro-bind", path, path] if not os.path.islink(path) else ["--symlink", os.readlink(path), path]
    for name in ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    args += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(SHM_SIZE), "--tmpfs", "/dev/shm",
             "--perms", "1777", "--size", str(TMP_SIZE), "--tmpfs", "/tmp"]
    args += _dirs_for(bind_targets)
    for path in python_paths:
        args += ["--ro-bind", str(path), str(path)]
    for path in repo_binds:
        args += ["--ro-bind", str(path), str(path)]
    args += ["--bind", str(runtime_dir), str(runtime_dir),
             "--bind", str(workdir), inside_workdir,
             "--chdir", inside_workdir,
             "--remount-ro", "/", "--"]
    inner: list[str] = []
    if uid is not None:
        inner += [shutil.which("setpriv") or "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                  "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    inner += [prlimit, f"--nproc={processes}", "--"]
    return outer + args + inner, uid


def _sandbox_env(runtime_dir: Path, workdir: str, mpl_dir: Path) -> dict[str, str]:
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLCONFIGDIR": str(mpl_dir),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "IPYTHONDIR": str(runtime_dir / "ipython"),
        # Workers already run in parallel; one thread per kernel is faster overall.
        "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
        "MALLOC_ARENA_MAX": "2",
        "TQDM_DISABLE": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def _chown_tree(path: Path, uid: int) -> None:
    os.chown(path, uid, uid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, uid, follow_symlinks=False)


def availability_problem() -> str | None:
    """None if a sandbox can start here; otherwise one line saying why not."""
    if shutil.which("bwrap") is None:
        return ("bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap); "
                "install it or pass --no-sandbox to grade without one")
    if shutil.which("prlimit") is None:
        return "prlimit is missing (Debian/Ubuntu: apt-get install util-linux)"
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "setpriv is missing (Debian/Ubuntu: apt-get install util-linux)"
    probe = [shutil.which("bwrap"), "--unshare-net", "--unshare-ipc", "--unshare-pid", "--die-with-parent",
             "--cap-drop", "ALL", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"]
    if os.geteuid() != 0:
        probe.append("--unshare-user")
    try:
        result = subprocess.run(probe + ["--", "/bin/true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap could not start: {error}"
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
        return (f"bubblewrap cannot create namespaces here ({detail}); "
                "enable unprivileged user namespaces or run as root, or pass --no-sandbox")
    return None


def prepare_matplotlib_cache(target: Path) -> str | None:
    """Build matplotlib's font cache once, so each sandboxed kernel does not rebuild it."""
    target.mkdir(parents=True, exist_ok=True)
    if not any(target.glob("fontlist-*.json")):
        env = dict(os.environ, MPLCONFIGDIR=str(target), MPLBACKEND="Agg")
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                       capture_output=True, timeout=300)
    return str(target) if any(target.glob("fontlist-*.json")) else None
