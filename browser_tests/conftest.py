"""Fixtures of the browser test: JupyterLab serving a copy of the notebook, and headless Chromium to drive it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

REPO_ROOT = Path(__file__).resolve().parent.parent
OFFLINE_SITE = REPO_ROOT / "tests" / "offline_site"
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts" / "browser"

# What to test with, overridable to point the same test at another notebook or environment.
NOTEBOOK = Path(os.environ.get("RAGFT_BROWSER_NOTEBOOK", "chapters/05_choosing.ipynb"))
JUPYTER = os.environ.get("RAGFT_BROWSER_JUPYTER", str(Path(sys.executable).with_name("jupyter")))
CHROMIUM = os.environ.get("RAGFT_BROWSER_CHROMIUM", "/usr/bin/chromium")

# Without the background-networking flags Chromium keeps calling home, and the closed network refuses it.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 2000}  # tall, so the whole widget (controls, matrix, text) fits on screen
SERVER_START_TIMEOUT_S = 60
SERVER_STOP_TIMEOUT_S = 30

# The course's settings (jupyter/overrides.json, installed into the environment by `make install`), except autosave,
# which would write the notebook to disk.
USER_SETTINGS = {"@jupyterlab/docmanager-extension/plugin": {"autosave": False}}


def notebook_under_test() -> tuple[Path, Path]:
    """The notebook to test, and its path relative to the served root (its repo path when it lies in the repo)."""
    path = NOTEBOOK if NOTEBOOK.is_absolute() else REPO_ROOT / NOTEBOOK
    if not path.is_file():
        pytest.fail(f"notebook to test not found: {path} (choose another with RAGFT_BROWSER_NOTEBOOK=path)")
    path = path.resolve()
    return path, path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else Path(path.name)


def write_user_settings(config_dir: Path) -> None:
    """Write `USER_SETTINGS` where JupyterLab reads a user's settings."""
    for plugin, settings in USER_SETTINGS.items():
        path = config_dir / "lab" / "user-settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings), encoding="utf-8")


def server_env(home: Path) -> dict[str, str]:
    """The server's (and so its kernels') environment: offline, with Jupyter and IPython state kept under `home`."""
    env = dict(os.environ)
    # The root conftest sets MPLBACKEND=Agg for nbval; with Agg, display(figure) shows "<Figure ...>" text instead of
    # the image a learner sees. Left unset, ipykernel picks its inline backend, as in `make lab`.
    env.pop("MPLBACKEND", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(OFFLINE_SITE), env.get("PYTHONPATH")]))
    for variable, name in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                           ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")]:
        env[variable] = str(home / name)
    return env


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(log: Path) -> str:
    """The end of the server's log, for failure messages."""
    return log.read_text(encoding="utf-8", errors="replace")[-3000:]


def wait_until_answering(url: str, token: str, server: subprocess.Popen, log: Path) -> None:
    """Return once the server answers `url`; fail if it exits or stays silent for `SERVER_START_TIMEOUT_S`."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # localhost: never through a proxy
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited with code {server.returncode} on start; its log:\n{tail(log)}")
        try:
            with opener.open(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer {url} within {SERVER_START_TIMEOUT_S} s; its log:\n{tail(log)}")


def stop(server: subprocess.Popen) -> None:
    """Stop the server the way Ctrl-C would (it shuts its kernels down), killing it if it hangs."""
    server.terminate()
    try:
        server.wait(timeout=SERVER_STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=SERVER_STOP_TIMEOUT_S)


@dataclass(frozen=True)
class Server:
    """The JupyterLab under test: its address, its token, its process id and the notebook under test's path."""

    base: str
    token: str
    pid: int
    notebook: Path

    @property
    def notebook_url(self) -> str:
        return self.url_of(self.notebook)

    def url_of(self, notebook: Path) -> str:
        """The URL that opens a served notebook (its path relative to the served root) in JupyterLab."""
        return f"{self.base}/lab/tree/{notebook.as_posix()}?token={self.token}"

    def running_kernels(self) -> list[dict]:
        """The kernels the server runs now (its REST API, /api/kernels)."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(f"{self.base}/api/kernels", headers={"Authorization": f"token {self.token}"})
        with opener.open(request, timeout=10) as response:
            return json.load(response)


@pytest.fixture(scope="session")
def notebook_url(server: Server) -> str:
    """The notebook's URL, token included."""
    return server.notebook_url


@pytest.fixture(scope="session")
def server(tmp_path_factory, artifacts) -> Iterator[Server]:
    """A JupyterLab on 127.0.0.1 that serves copies of the chapters and of the notebook under test, so nothing
    writes the originals."""
    source, relative = notebook_under_test()
    if not shutil.which(JUPYTER):
        pytest.fail(f"jupyter not found at {JUPYTER} (choose another with RAGFT_BROWSER_JUPYTER=path)")
    home = tmp_path_factory.mktemp("jupyter")
    root = home / "root"
    shutil.copytree(REPO_ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, root / relative)
    write_user_settings(home / "config")
    port, token, log = free_port(), "browser-test-token", artifacts / "jupyterlab.log"
    command = [JUPYTER, "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               "--LabApp.extension_manager=readonly", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.getuid() == 0:
        command.append("--allow-root")
    with log.open("w") as log_file:
        server = subprocess.Popen(command, env=server_env(home), cwd=root, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(f"{base}/api/status", token, server, log)
        yield Server(base, token, server.pid, relative)
    finally:
        stop(server)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots and the server's log (git-ignored), emptied of the last run's screenshots."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS_DIR.glob("*.png"):
        old.unlink()
    return ARTIFACTS_DIR


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember on the test item whether its body failed, for the `page` fixture's failure screenshot."""
    report = yield
    if report.when == "call":
        item.body_failed = report.failed
    return report


@pytest.fixture
def page(request, artifacts):
    """A page of headless Chromium (fresh profile, no network but localhost); screenshot saved on failure."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium, or set RAGFT_BROWSER_CHROMIUM")
    with sync_playwright() as playwright:
        # Playwright gives each launch a fresh temporary user-data-dir and deletes it on close.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(30_000)
            yield page
            if getattr(request.node, "body_failed", False):
                page.screenshot(path=artifacts / "failure.png", full_page=True)
        finally:
            browser.close()
