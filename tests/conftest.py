"""Environment for every test; markers and warning filters live in pyproject.toml."""
import os
import sys
from pathlib import Path

# nbgrader runs `alembic` from PATH; tests may be started without the venv activated.
_bin = str(Path(sys.executable).parent)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")
os.environ.setdefault("MPLBACKEND", "Agg")
# pytest-xdist runs two notebooks at once on a 2-core machine: two torch threads per
# kernel would oversubscribe the cores, and small models slow down many-fold.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
