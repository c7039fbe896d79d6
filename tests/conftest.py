import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

# nbgrader runs `alembic` from PATH; tests may be started without the venv activated.
_bin = str(Path(sys.executable).parent)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")
os.environ.setdefault("MPLBACKEND", "Agg")
# pytest-xdist runs two notebooks at once on a 2-core machine: two torch threads per
# kernel would oversubscribe the cores, and small models slow down many-fold.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")


def pytest_configure(config):
    config.addinivalue_line("markers", "notebook: executes a chapter notebook through the grader (slow)")
    config.addinivalue_line("markers", "browser: drives a real JupyterLab in Chromium")
    # nbgrader's own SQLAlchemy usage warns on every autograde; not ours to fix.
    config.addinivalue_line("filterwarnings", "ignore::sqlalchemy.exc.SAWarning")
