# Loaded by every Python process the test suite starts (PYTHONPATH is set in tests/conftest.py),
# notebook kernels included: they run with the network blocked, like the tests themselves.
# offline.py is loaded on its own, not as `ragft.course.offline`: importing the `ragft` package here would apply its
# thread policy and its per-cell memory release before the kernel exists, unlike a learner's kernel, which imports
# `ragft` in its first cell.
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "ragft_offline", Path(__file__).resolve().parents[2] / "ragft" / "course" / "offline.py")
_offline = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_offline)
_offline.block_network()
