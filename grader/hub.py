"""`python -m grader classroom hub COURSE`: a JupyterHub for one course made by `classroom init`.

It runs as root, because JupyterHub's PAM authenticator checks real Unix
passwords and each user's server runs as that user. Before starting the hub
it sets up, every time (so a permission changed by hand is put back):

* the instructor account (created with a one-time password if missing), which
  owns the course folder; the course folder is ``0700``: no student reads
  ``source/``, ``submitted/``, the gradebook or feedback;
* the exchange with nbgrader's permission scheme (see grader/README.md):
  root ``1777`` (world-writable as nbgrader requires, sticky so that no student
  can rename or delete the course's folder), the course's folder owned by the
  instructor, ``inbound/`` ``2733`` (students write, nobody lists);
* the Jupyter configuration each role's server reads (``config/instructor``,
  ``config/student``): the course id and the exchange for nbgrader; for
  students, formgrader and the course list switched off;
* ``jupyterhub_config.py`` in the state folder, which an administrator can read
  and edit: PAM authentication, the course's student group and the instructor
  allowed, ``grader.hub_spawner.CourseSpawner``.
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.config import COURSE_ID
from grader.errors import ClassroomError
from grader.roster import Account, create_account, ensure_group, students_group

EXCHANGE_DEFAULT = Path("/srv/nbgrader/exchange")
DEBIAN_NODE_MODULES = Path("/usr/share/nodejs")
STATE_ROOT = Path("/var/lib/dlcourse-hub")
COURSE_MODE = 0o700
EXCHANGE_ROOT_MODE = 0o1777
# What nbgrader's release_assignment / release_feedback create (nbgrader/exchange/default/), set up front
# so the scheme holds before the first release and no student can create these folders first.
EXCHANGE_COURSE_MODES = {"": 0o755, "outbound": 0o755, "inbound": 0o2733, "feedback": 0o711}
# Students see assignments and feedback; formgrader and the course list are for the instructor.
STUDENT_SERVER_EXTENSIONS_OFF = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
STUDENT_LAB_PLUGINS_OFF = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                           "@jupyter/nbgrader:create-assignment")


@dataclass
class HubSettings:
    course: Path
    instructor: str = "instructor"
    ip: str = "127.0.0.1"
    port: int = 8000
    exchange: Path = EXCHANGE_DEFAULT
    state: Path | None = None  # default: /var/lib/dlcourse-hub/<course folder name>

    def __post_init__(self):
        self.course = self.course.resolve()
        self.exchange = self.exchange.resolve()
        self.state = (self.state or STATE_ROOT / self.course.name).resolve()


def prepare(settings: HubSettings) -> tuple[Path, Account]:
    """Accounts, permissions and configuration; returns the hub's config file and the instructor's account."""
    if os.geteuid() != 0:
        raise ClassroomError("the hub runs as root (PAM checks Unix passwords; each server runs as its user)")
    if not (settings.course / "nbgrader_config.py").is_file():
        raise ClassroomError(f"{settings.course} is not a course folder; create one with "
                             "`python -m grader classroom init DIR`")
    _check_proxy()
    if settings.state in (settings.course, *settings.course.parents) or settings.course in settings.state.parents:
        raise ClassroomError("keep the hub's state folder outside the course folder (the instructor owns that one)")
    group = students_group(settings.course)
    ensure_group(group)
    instructor = create_account(settings.instructor)
    entry = pwd.getpwnam(settings.instructor)
    _own_tree(settings.course, entry.pw_uid, entry.pw_gid)
    settings.course.chmod(COURSE_MODE)
    _prepare_exchange(settings.exchange, entry.pw_uid, entry.pw_gid)
    settings.state.mkdir(parents=True, exist_ok=True)
    settings.state.chmod(0o700)  # the hub's database, cookie secret and proxy token
    _write_role_configs(settings)
    config = settings.state / "jupyterhub_config.py"
    config.write_text(hub_config(settings, group))
    return config, instructor


def hub_config(settings: HubSettings, group: str) -> str:
    state = settings.state
    return f'''\
# Written by `python -m grader classroom hub` on every start; edit grader/hub.py to change it for good.
# How to move it to a multi-machine hub: grader/README.md, "A term on JupyterHub".
c = get_config()  # noqa: F821
c.JupyterHub.ip = {settings.ip!r}
c.JupyterHub.port = {settings.port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {_free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{_free_port()}"
c.ConfigurableHTTPProxy.pid_file = {str(state / "proxy.pid")!r}
c.JupyterHub.db_url = {"sqlite:///" + str(state / "jupyterhub.sqlite")!r}
c.JupyterHub.cookie_secret_file = {str(state / "jupyterhub_cookie_secret")!r}
c.JupyterHub.pid_file = {str(state / "jupyterhub.pid")!r}

# Real accounts: Unix passwords through PAM. Members of the course's student group
# (added by `python -m grader classroom roster`) and the instructor may log in.
c.JupyterHub.authenticator_class = "pam"
c.LocalAuthenticator.allowed_groups = {{{group!r}}}
c.Authenticator.allowed_users = {{{settings.instructor!r}}}

c.JupyterHub.spawner_class = "grader.hub_spawner.CourseSpawner"
c.CourseSpawner.course_dir = {str(settings.course)!r}
c.CourseSpawner.instructor = {settings.instructor!r}
c.CourseSpawner.exchange_dir = {str(settings.exchange)!r}
c.CourseSpawner.config_root = {str(state / "config")!r}
c.Spawner.default_url = "/lab"
# A busy two-core machine starts JupyterLab in 10-30 s.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.cleanup_servers = True
# JupyterHub stops its proxy while the servers are still stopping, then retries removing their
# routes for half a minute; `classroom hub` stops the proxy itself once JupyterHub has exited.
c.JupyterHub.cleanup_proxy = False
'''


def run(settings: HubSettings, log=print) -> int:
    """Prepare, then run JupyterHub in the foreground until it is stopped."""
    config, instructor = prepare(settings)
    if instructor.password:
        log(f"Created the instructor account {instructor.username}; its initial password, shown once: "
            f"{instructor.password}")
    log(f"JupyterHub for {settings.course} on http://{settings.ip}:{settings.port}/ "
        f"(configuration: {config}); add students with `python -m grader classroom roster`.")
    command = [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)]
    process = subprocess.Popen(command, cwd=settings.state, env=hub_environment())

    def stop(signum, frame):  # JupyterHub stops the users' servers, then the proxy, on SIGTERM
        process.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        return process.wait()
    finally:
        _stop_proxy(settings.state / "proxy.pid")


def hub_environment() -> dict[str, str]:
    """The hub's environment: this venv's bin/ first, and Debian's Node modules for the proxy."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    # Debian's node-configurable-http-proxy finds its modules (commander, http-proxy) in /usr/share/nodejs,
    # which Debian's nodejs searches and other builds of node (NodeSource's) do not.
    if DEBIAN_NODE_MODULES.is_dir():
        env["NODE_PATH"] = os.pathsep.join(filter(None, [str(DEBIAN_NODE_MODULES), env.get("NODE_PATH")]))
    return env


def _check_proxy() -> None:
    proxy = shutil.which("configurable-http-proxy")
    if not proxy:
        raise ClassroomError("configurable-http-proxy is missing: `apt-get install node-configurable-http-proxy` "
                             "(or `npm install -g configurable-http-proxy`)")
    result = subprocess.run([proxy, "--version"], env=hub_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise ClassroomError(f"{proxy} does not start: {lines[0] if lines else result.returncode}")


def _stop_proxy(pid_file: Path) -> None:
    try:
        pid = int(pid_file.read_text().strip())
        if "configurable-http-proxy" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
            os.kill(pid, signal.SIGTERM)
        pid_file.unlink()
    except (OSError, ValueError):
        pass  # not started, or already gone


def _prepare_exchange(exchange: Path, uid: int, gid: int) -> None:
    exchange.mkdir(parents=True, exist_ok=True)
    os.chown(exchange, 0, 0)
    exchange.chmod(EXCHANGE_ROOT_MODE)
    for relative, mode in EXCHANGE_COURSE_MODES.items():
        folder = exchange / COURSE_ID / relative
        folder.mkdir(exist_ok=True)
        os.chown(folder, uid, gid)
        folder.chmod(mode)


def _write_role_configs(settings: HubSettings) -> None:
    from grader.hub_spawner import EXCHANGE_INSIDE

    root = settings.state / "config"
    nbgrader = (f"c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = {COURSE_ID!r}\n"
                f"c.Exchange.root = {str(EXCHANGE_INSIDE)!r}\n")
    # A terminal on a hub is a login shell by default, and /etc/profile then resets PATH: the
    # course's `python` and `nbgrader` would not be found. A plain bash keeps the server's PATH.
    terminal = {"terminado_settings": {"shell_command": ["/bin/bash"]}}
    student_extensions = {"jpserver_extensions": {name: False for name in STUDENT_SERVER_EXTENSIONS_OFF}}
    files = {
        "instructor/nbgrader_config.py": nbgrader + f"c.CourseDirectory.root = {str(settings.course)!r}\n",
        "instructor/jupyter_server_config.json": json.dumps({"ServerApp": terminal}, indent=1),
        "student/nbgrader_config.py": nbgrader,
        "student/jupyter_server_config.json": json.dumps({"ServerApp": {**terminal, **student_extensions}}, indent=1),
        "student/labconfig/page_config.json": json.dumps(
            {"disabledExtensions": {name: True for name in STUDENT_LAB_PLUGINS_OFF}}, indent=1),
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def _own_tree(root: Path, uid: int, gid: int) -> None:
    for path in [root, *root.rglob("*")]:
        os.chown(path, uid, gid, follow_symlinks=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
