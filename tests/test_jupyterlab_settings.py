"""JupyterLab opens without its news pop-up and never checks for updates, in make lab, Binder and the tests.

binder/overrides.json is the one source: `make venv` and binder/postBuild install it as overrides.json in
the app settings folder of the environment's JupyterLab, where it replaces the schema defaults. The test
reads it back through jupyterlab_server's own settings loader, as the running server does.
"""
from __future__ import annotations

import sys
from pathlib import Path

from jupyterlab.commands import get_app_dir
from jupyterlab_server.settings_utils import get_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
OVERRIDES = REPO_ROOT / "binder" / "overrides.json"
NOTIFICATION = "@jupyterlab/apputils-extension:notification"
SCHEMAS = Path(get_app_dir()) / "schemas"


def notification_defaults(app_settings_dir: Path, tmp_path: Path) -> dict:
    """The notification plugin's defaults as the server would send them, given an app settings folder."""
    settings, _warnings = get_settings(str(app_settings_dir), str(SCHEMAS), str(tmp_path / "user-settings"),
                                       schema_name=NOTIFICATION)
    return {name: spec["default"] for name, spec in settings["schema"]["properties"].items()}


def test_overrides_turn_off_news_and_update_checks(tmp_path):
    app_settings = tmp_path / "app-settings"
    app_settings.mkdir()
    (app_settings / "overrides.json").write_text(OVERRIDES.read_text())
    defaults = notification_defaults(app_settings, tmp_path)
    assert defaults["fetchNews"] == "false", "news must be set to Never ('false', a string in the schema)"
    assert defaults["checkForUpdates"] is False


def test_without_overrides_jupyterlab_would_ask(tmp_path):
    defaults = notification_defaults(tmp_path / "no-app-settings", tmp_path)
    assert defaults["fetchNews"] == "none" and defaults["checkForUpdates"] is True, \
        "JupyterLab's own defaults changed: check that overrides.json still means what it says"


def test_the_environment_has_them_installed():
    installed = Path(get_app_dir()) / "settings" / "overrides.json"
    assert installed.is_file(), f"{installed} is missing: run `make venv` (it installs binder/overrides.json)"
    assert installed.read_text() == OVERRIDES.read_text(), f"{installed} differs from binder/overrides.json"


def test_binder_and_make_install_the_same_file():
    post_build = (REPO_ROOT / "binder" / "postBuild").read_text()
    makefile = (REPO_ROOT / "Makefile").read_text()
    target = "share/jupyter/lab/settings/overrides.json"
    assert "binder/overrides.json" in post_build and target in post_build
    assert "binder/overrides.json" in makefile and target in makefile
    assert Path(sys.prefix, target).parent == Path(get_app_dir(), "settings"), "JupyterLab's app dir moved"
