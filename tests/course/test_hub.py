"""The optional hub probe: its loading code works on a model folder saved locally, and it fails clearly offline."""

import pytest

from ragft.course import hub

from tiny_chat_model import save_tiny_chat_model


@pytest.fixture(scope="module")
def local_model(tmp_path_factory):
    return save_tiny_chat_model(tmp_path_factory.mktemp("tiny-chat-model"))


def test_load_a_locally_saved_model_and_ask_it(local_model):
    model, tokenizer = hub.load_hub_model(local_model, local_files_only=True)
    assert not model.training and tokenizer.chat_template
    reply = hub.ask(model, tokenizer, "What is the neutral citation of Vivyan v. Uren?", max_new_tokens=5)
    assert isinstance(reply, str)
    assert reply == hub.ask(model, tokenizer, "What is the neutral citation of Vivyan v. Uren?", max_new_tokens=5)
    assert isinstance(hub.ask(model, tokenizer, "Hello?", max_new_tokens=3, system=None), str)


def test_a_missing_model_offline_gives_a_clear_error(tmp_path):
    with pytest.raises(hub.HubModelUnavailable) as info:
        hub.load_hub_model("nobody-here/not-a-model", local_files_only=True)
    message = str(info.value)
    assert "nobody-here/not-a-model" in message and hub.SETTING in message and "cache" in message
    with pytest.raises(hub.HubModelUnavailable, match=hub.SETTING):
        hub.load_hub_model(tmp_path / "no-such-folder", local_files_only=True)


def test_a_model_without_chat_template_is_refused(tmp_path):
    folder = save_tiny_chat_model(tmp_path / "base-model", chat_template=None)
    with pytest.raises(hub.HubModelUnavailable, match="chat template"):
        hub.load_hub_model(folder, local_files_only=True)


def test_the_setting_decides_and_tests_always_skip(monkeypatch, local_model):
    monkeypatch.delenv(hub.SETTING, raising=False)
    assert hub.hub_model_setting() is None
    run, why = hub.hub_probe_plan()
    assert not run and hub.SETTING in why and hub.SUGGESTED_MODEL in why
    monkeypatch.setenv(hub.SETTING, hub.SUGGESTED_MODEL)
    assert hub.hub_model_setting() == hub.SUGGESTED_MODEL
    run, why = hub.hub_probe_plan()
    assert not run and "Skipped" in why  # the test suite blocks the network
    assert hub.hub_probe_plan(str(local_model))[0]  # a local folder needs no network
