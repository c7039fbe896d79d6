"""Environment for every test; markers and warning filters live in pyproject.toml."""
import os
import sys
from pathlib import Path

import pytest

# nbgrader runs `alembic` from PATH; tests may be started without the venv activated.
_bin = str(Path(sys.executable).parent)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")
os.environ.setdefault("MPLBACKEND", "Agg")
# pytest-xdist runs two notebooks at once on a 2-core machine: two torch threads per
# kernel would oversubscribe the cores, and small models slow down many-fold.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium for tests/browser and tests/hub: one for the whole session, because
    Playwright's sync API cannot start a second one while the first runs."""
    from tests.browser.conftest import CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium; run it, or "
                    "deselect browser tests locally with -m 'not browser'")
    from playwright.sync_api import sync_playwright

    from tests.browser.lab_page import CHROMIUM_ARGS
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
