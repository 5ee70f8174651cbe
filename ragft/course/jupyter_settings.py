"""The course's JupyterLab and Jupyter Server settings, installed into the environment that runs JupyterLab.

A learner goes through the chapters in one JupyterLab, and every notebook starts a kernel of up to about 0.9 GB.
JupyterLab keeps a kernel running after its tab is closed, so a day of chapters piles kernels up until a 2 GB
container (Binder, a class hub) is killed. Two settings keep a session within its memory:

- `jupyter/overrides.json` (JupyterLab, every environment): closing a notebook's tab shuts its kernel down,
  notebooks autosave every 2 minutes (JupyterLab's default, stated so it is kept), and JupyterLab never asks to
  fetch news or check for updates (the course runs offline).
- `jupyter/culling.json` (Jupyter Server, Binder and class hubs only): a kernel idle for 30 minutes is shut down,
  even with its tab open, for the tab left open and forgotten. 30 minutes is longer than a learner spends reading
  or working on an exercise between two runs of a cell; the cost of a culled kernel is one Run All (each chapter
  runs in under two minutes). On a laptop nothing is culled: `make lab` installs the JupyterLab settings only.

Run `python -m ragft.course.jupyter_settings [--culling] [--prefix PREFIX]`; `make install` and `binder/postBuild`
do. The settings go where Jupyter looks in that environment: a file in JupyterLab's `overrides.d` folder of
`{prefix}/share/jupyter/lab/settings`, and the culler's section merged into `{prefix}/etc/jupyter/
jupyter_server_config.json` (Jupyter Server reads its `.d` folder for extensions only, not for other settings).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from ragft.paths import REPO_ROOT

SETTINGS_DIR = REPO_ROOT / "jupyter"
LAB_OVERRIDES = SETTINGS_DIR / "overrides.json"
KERNEL_CULLING = SETTINGS_DIR / "culling.json"
INSTALLED_NAME = "ragft-course.json"  # our file in JupyterLab's overrides.d, next to other packages' files


def lab_overrides_path(prefix: Path) -> Path:
    """Where JupyterLab of the environment at `prefix` reads the course's settings overrides."""
    return prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / INSTALLED_NAME


def server_config_path(prefix: Path) -> Path:
    """The Jupyter Server configuration file of the environment at `prefix`."""
    return prefix / "etc" / "jupyter" / "jupyter_server_config.json"


def merge_json(path: Path, sections: dict) -> None:
    """Set `sections` (class name -> settings) in the JSON configuration at `path`, keeping everything else in it."""
    config = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for name, settings in sections.items():
        config.setdefault(name, {}).update(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def install(prefix: Path = Path(sys.prefix), culling: bool = False) -> list[Path]:
    """Install the JupyterLab settings, and with `culling` the kernel culler's, into the environment at `prefix`.
    Return the files written."""
    target = lab_overrides_path(prefix)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LAB_OVERRIDES, target)
    written = [target]
    if culling:
        merge_json(server_config_path(prefix), json.loads(KERNEL_CULLING.read_text(encoding="utf-8")))
        written.append(server_config_path(prefix))
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--prefix", type=Path, default=Path(sys.prefix),
                        help="the environment that runs JupyterLab (default: this Python's, %(default)s)")
    parser.add_argument("--culling", action="store_true",
                        help="also shut down kernels idle for 30 minutes (Binder, class hubs; not a laptop)")
    args = parser.parse_args(argv)
    for path in install(args.prefix, args.culling):
        print(f"installed {path}")


if __name__ == "__main__":
    main()
