"""Chapter 05's head-to-head pieces on tiny inputs: prompts, sizes, ties and the verdict's sentences."""

import pytest
import torch

from ragft.decide.head_to_head import (BOTH_CORRECT, COMPLIANCE, KNOWLEDGE, LORA, LORA_RAG, OUT_OF_DATE, PROMPTING, RAG,
                                       UP_TO_DATE,
                                       best_systems, few_shot_prompt, index_mb, plot_head_to_head, tensor_mb, verdict)
from ragft.rag import BM25Index
from ragft.world.prompts import closed_book_prompt


def test_a_few_shot_prompt_is_solved_examples_then_the_question():
    prompt = few_shot_prompt("Q3?", [("Q1?", "A1"), ("Q2?", "A2")])
    assert prompt == "Question: Q1?\nAnswer: A1\nQuestion: Q2?\nAnswer: A2\n" + closed_book_prompt("Q3?")
    assert few_shot_prompt("Q?", []) == closed_book_prompt("Q?")


def test_sizes_count_every_byte():
    layer = torch.nn.Linear(256, 512)  # 256*512 + 512 float32 numbers
    assert tensor_mb(layer) == pytest.approx((256 * 512 + 512) * 4 / 2**20)
    small, large = BM25Index(["a b c"], ["p1"]), BM25Index(["a b c", "d e f g h"] * 50, [f"p{i}" for i in range(100)])
    assert 0 < index_mb(small) < index_mb(large)


def _table(rag_k, lora_k, both_k, lora_c, both_c, both_both, rag_law=0.6, lora_law=0.2):
    def row(k, c, b, law=0.0):
        return {KNOWLEDGE: k, COMPLIANCE: c, BOTH_CORRECT: b, UP_TO_DATE: law, OUT_OF_DATE: 1 - law,
                "latency (ms/answer)": 100.0}
    return {PROMPTING: row(0.0, 0.0, 0.0), RAG: row(rag_k, 0.0, 0.0, rag_law), LORA: row(lora_k, lora_c, 0.02, lora_law),
            LORA_RAG: row(both_k, both_c, both_both, rag_law)}


def test_best_systems_counts_close_scores_as_ties():
    table = _table(0.85, 0.19, 0.83, 0.97, 0.95, 0.95)
    assert best_systems(table, KNOWLEDGE) == [RAG, LORA_RAG]
    assert best_systems(table, KNOWLEDGE, tie=0.0) == [RAG]
    assert best_systems(table, COMPLIANCE) == [LORA, LORA_RAG]
    with pytest.raises(ValueError, match="latency"):
        best_systems({"a": {KNOWLEDGE: 1.0}}, "latency")


def test_the_verdict_states_the_claims_the_numbers_support():
    lines = verdict(_table(0.85, 0.19, 0.96, 0.97, 0.95, 0.95))
    assert lines[0].startswith("RAG adds knowledge") and "+0.66" in lines[0]
    assert lines[1].startswith("Fine-tuning adds skills")
    assert lines[2].startswith("RAG keeps answers up to date") and "+0.40" in lines[2] and "rule in 0.80" in lines[2]
    assert lines[3].startswith("Both when you need both")


def test_the_verdict_says_so_when_the_numbers_disagree():
    lines = verdict(_table(0.20, 0.19, 0.30, 0.03, 0.01, 0.01, rag_law=0.3, lora_law=0.3))
    assert lines[0].startswith("On these numbers RAG does not")
    assert lines[1].startswith("On these numbers LoRA does not")
    assert lines[2] == "On these numbers RAG does not keep answers more up to date than LoRA (0.30 vs 0.30)."
    lines = verdict(_table(0.85, 0.19, 0.90, 0.97, 0.40, 0.40))
    assert lines[3] == "LoRA + RAG is best or tied only on: new-case accuracy, format: both correct."


def test_the_chart_has_titles_and_labelled_axes():
    import matplotlib.pyplot as plt

    axes = plot_head_to_head(_table(0.85, 0.19, 0.96, 0.97, 0.95, 0.95))
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    plt.close("all")
