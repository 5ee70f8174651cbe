"""The generated answer with sources, end to end and offline, on a tiny chat model folder saved locally."""

import pytest

from ragft.course.hub import load_hub_model
from ragft.rag.citation_check import check_citations
from ragft.rag.sourced_answers import generated_answer, sourced_chat_prompt

from tiny_chat_model import save_tiny_chat_model


class Chunk:
    def __init__(self, id, text):
        self.id, self.text, self.source, self.section = id, text, id.split("#")[0], ""


CHUNKS = [Chunk("pydoc:json#3", "load(fp, *, cls=None)\n    Deserialize fp to a Python object."),
          Chunk("guide/install.md#0", "# Install\n\nRun pip install ragft.")]
QUESTION = "How do I read a JSON file?"


@pytest.fixture(scope="module")
def model_and_tokenizer(tmp_path_factory):
    folder = save_tiny_chat_model(tmp_path_factory.mktemp("tiny-chat-model"), max_positions=2048)
    return load_hub_model(folder, local_files_only=True)


def test_the_prompt_is_the_chat_template_around_the_identified_chunks(model_and_tokenizer):
    _, tokenizer = model_and_tokenizer
    prompt = sourced_chat_prompt(QUESTION, CHUNKS, tokenizer)
    assert prompt.startswith("<|im_start|>user\n") and prompt.endswith("<|im_end|>\n<|im_start|>assistant\n")
    for chunk in CHUNKS:
        assert f"[{chunk.id}]\n{chunk.text}" in prompt
    assert prompt.index("Sources:") < prompt.index(f"Question: {QUESTION}")


def test_generation_runs_end_to_end_greedily_through_the_template(model_and_tokenizer, monkeypatch):
    model, tokenizer = model_and_tokenizer
    calls = []
    render = tokenizer.apply_chat_template
    monkeypatch.setattr(tokenizer, "apply_chat_template", lambda *a, **kw: calls.append(a) or render(*a, **kw))
    answer = generated_answer(QUESTION, CHUNKS, model, tokenizer, max_new_tokens=12)
    assert len(calls) == 1 and calls[0][0][0]["role"] == "user"
    assert isinstance(answer, str)
    assert answer == generated_answer(QUESTION, CHUNKS, model, tokenizer, max_new_tokens=12)  # greedy
    report = check_citations(answer, CHUNKS)  # whatever random weights write, the checker reads it
    assert report.counts["claims"] == len(report.claims)
