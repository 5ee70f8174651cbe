"""Test set-up: the whole suite, and every notebook kernel it starts, runs offline."""

import os
from pathlib import Path

from ragft.course.offline import block_network

OFFLINE_SITE = Path(__file__).parent / "tests" / "offline_site"


def pytest_configure(config):
    block_network()
    # Kernels started by nbval inherit this environment, so they import sitecustomize and go offline too.
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(OFFLINE_SITE), os.environ.get("PYTHONPATH")]))
    os.environ.setdefault("MPLBACKEND", "Agg")
