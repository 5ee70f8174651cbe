"""The course's JupyterLab and Jupyter Server settings: valid for the JupyterLab installed, and read where installed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
from jupyterlab_server.settings_utils import _get_overrides

from ragft.course.jupyter_settings import LAB_OVERRIDES, install, lab_overrides_path, main, server_config_path

SCHEMAS = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"


def test_every_override_is_a_valid_setting_of_the_installed_jupyterlab():
    for plugin, settings in json.loads(LAB_OVERRIDES.read_text(encoding="utf-8")).items():
        package, _, name = plugin.partition(":")
        schema_file = SCHEMAS / package / f"{name}.json"
        assert schema_file.is_file(), f"{plugin}: no such JupyterLab plugin ({schema_file} is missing)"
        properties = json.loads(schema_file.read_text(encoding="utf-8"))["properties"]
        for key, value in settings.items():
            assert key in properties, f"{plugin} has no setting {key!r}"
            jsonschema.validate(value, properties[key])


def test_closing_a_tab_shuts_its_kernel_and_notebooks_autosave():
    overrides = json.loads(LAB_OVERRIDES.read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/notebook-extension:tracker"]["kernelShutdown"] is True
    assert overrides["@jupyterlab/docmanager-extension:plugin"]["autosave"] is True
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_jupyterlab_reads_the_installed_overrides(tmp_path):
    install(tmp_path)
    overrides, error = _get_overrides(str(lab_overrides_path(tmp_path).parent.parent))
    assert not error
    assert overrides["@jupyterlab/notebook-extension:tracker"] == {"kernelShutdown": True}
    assert not server_config_path(tmp_path).exists(), "without --culling nothing is culled (a laptop)"


def test_jupyter_server_reads_the_culler_and_keeps_other_settings(tmp_path):
    config = server_config_path(tmp_path)
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"ServerApp": {"open_browser": False}, "MappingKernelManager": {"buffer_offline_messages": False}}))
    main(["--prefix", str(tmp_path), "--culling"])
    show = "from jupyter_server.serverapp import ServerApp; app = ServerApp(); app.load_config_file(); " \
           "import json; print(json.dumps({k: dict(v) for k, v in app.config.items()}))"
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(config.parent)}
    loaded = json.loads(subprocess.run([sys.executable, "-c", show], env=env, capture_output=True, text=True,
                                       check=True).stdout)
    kernels = loaded["MappingKernelManager"]
    assert kernels["cull_idle_timeout"] == 1800 and kernels["cull_connected"] is True and kernels["cull_busy"] is False
    assert kernels["buffer_offline_messages"] is False and loaded["ServerApp"] == {"open_browser": False}
