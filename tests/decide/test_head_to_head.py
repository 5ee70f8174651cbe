"""Chapter 05's head-to-head pieces on tiny inputs: prompts, systems, sizes, interleaved timing, ties, the verdict."""

import pytest
import torch

from ragft.decide.head_to_head import (BOTH_CORRECT, COMPLIANCE, KNOWLEDGE, LATENCY, LORA, LORA_RAG, MAX_ANSWER_TOKENS,
                                       OUT_OF_DATE, PROMPTING, RAG, UP_TO_DATE, Retrieval, System, best_systems,
                                       few_shot_prompt, index_mb, latencies, lora_rag_system, lora_system,
                                       plot_head_to_head, prompting_system, rag_system, read, tensor_mb, verdict)
from ragft.finetune.adapters import with_lora
from ragft.model.gpt import TinyGPT, make_gpt
from ragft.model.tokenizer import train_tokenizer
from ragft.rag import BM25Index, UpToDateRetriever
from ragft.rag.reader import FORMAT_TEMPLATE, context_of, copy_greedy
from ragft.world.prompts import closed_book_prompt

PASSAGES = ["Marlow v. Teague [2019] VHC 114 held that a landlord must return a deposit within 14 days.",
            "Oakhurst v. Thorley [2000] VDC 95 held that a seller must deliver within 30 days."]
QUESTIONS = ["When must a landlord return a deposit?", "What did Oakhurst v. Thorley hold?"]


@pytest.fixture(scope="module")
def tiny_model() -> TinyGPT:
    tokenizer = train_tokenizer(PASSAGES * 5 + QUESTIONS * 5 + ["Holding: Authority: Question: Answer: Context:"] * 5,
                                vocab_size=200)
    torch.manual_seed(0)
    return TinyGPT(make_gpt(tokenizer.get_vocab_size(), n_layer=1, n_head=2, n_embd=16).eval(), tokenizer)


@pytest.fixture(scope="module")
def retrieval() -> Retrieval:
    index = BM25Index(PASSAGES, ["p1", "p2"])
    return Retrieval(index, UpToDateRetriever(index, []), seconds=0.01)


def test_a_few_shot_prompt_is_solved_examples_then_the_question():
    prompt = few_shot_prompt("Q3?", [("Q1?", "A1"), ("Q2?", "A2")])
    assert prompt == "Question: Q1?\nAnswer: A1\nQuestion: Q2?\nAnswer: A2\n" + closed_book_prompt("Q3?")
    assert few_shot_prompt("Q?", []) == closed_book_prompt("Q?")


def test_the_prompting_system_shows_the_task_s_own_examples(tiny_model):
    system = prompting_system(tiny_model, {"knowledge": [("Q1?", "A1")], "skill": [("Q2?", "Holding: A2.")]})
    assert system.name == PROMPTING and system.training_seconds == 0
    assert system.prompt("Q?", "skill") == few_shot_prompt("Q?", [("Q2?", "Holding: A2.")])
    assert system.parameters_mb == tensor_mb(tiny_model.model)
    assert len(system.answer(["Q?", "R?"], "knowledge")) == 2


def test_rag_reads_the_retrieved_passage_with_the_format_template(tiny_model, retrieval):
    system = rag_system(tiny_model, retrieval)
    prompt = system.prompt(QUESTIONS[0], "knowledge")
    assert prompt == f"Context: {PASSAGES[0]}\nQuestion: {QUESTIONS[0]}\nAnswer:"
    expected = copy_greedy(tiny_model, prompt, context_of(prompt), MAX_ANSWER_TOKENS, FORMAT_TEMPLATE).text.strip()
    assert system.answer(QUESTIONS[:1], "knowledge") == [read(tiny_model, prompt)] == [expected]
    assert system.training_seconds == 0.01 and system.parameters_mb > tensor_mb(tiny_model.model)


def test_rag_and_lora_plus_rag_differ_in_the_adapter_alone(tiny_model, retrieval):
    untrained = with_lora(tiny_model)  # B = 0: the adapter changes nothing yet
    rag, both = rag_system(tiny_model, retrieval), lora_rag_system(tiny_model, retrieval, untrained, 5.0)
    for task in ("knowledge", "skill", "law"):
        assert both.prompt(QUESTIONS[1], task) == rag.prompt(QUESTIONS[1], task)
        assert both.answer(QUESTIONS, task) == rag.answer(QUESTIONS, task)
    assert both.training_seconds == pytest.approx(5.01)
    assert both.parameters_mb == pytest.approx(rag.parameters_mb + tensor_mb(untrained.model)
                                               - tensor_mb(tiny_model.model))


def test_lora_answers_the_task_with_the_format_adapter_and_facts_with_the_domain_adapter(tiny_model):
    domain, task_format = with_lora(tiny_model), with_lora(tiny_model)
    with torch.no_grad():
        for name, parameter in task_format.model.named_parameters():
            if name.endswith(".B"):
                parameter.normal_()  # a format adapter that moves the model; the domain one (B = 0) does not
    system = lora_system(tiny_model, domain, task_format, 7.0)
    assert system.prompt(QUESTIONS[0], "skill") == closed_book_prompt(QUESTIONS[0])
    plain = prompting_system(tiny_model, {"knowledge": [], "skill": []})
    assert system.answer(QUESTIONS, "knowledge") == plain.answer(QUESTIONS, "knowledge")
    assert system.answer(QUESTIONS, "skill") != plain.answer(QUESTIONS, "skill")
    assert system.training_seconds == 7.0


def test_sizes_count_every_byte():
    layer = torch.nn.Linear(256, 512)  # 256*512 + 512 float32 numbers
    assert tensor_mb(layer) == pytest.approx((256 * 512 + 512) * 4 / 2**20)
    small, large = BM25Index(["a b c"], ["p1"]), BM25Index(["a b c", "d e f g h"] * 50, [f"p{i}" for i in range(100)])
    assert 0 < index_mb(small) < index_mb(large)


class FakeClock:
    """A clock that moves only when a fake system answers, by that system's cost."""

    def __init__(self):
        self.now, self.calls = 0.0, []

    def __call__(self) -> float:
        return self.now

    def system(self, name: str, costs: list[float]) -> System:
        def answer(questions, task):
            self.calls.append((name, questions[0]))
            self.now += costs[len([c for c in self.calls if c[0] == name]) - 1]
            return ["an answer"]
        return System(name, answer, lambda q, task: q, 0.0, 0.0)


def test_latency_is_timed_interleaved_round_robin_and_repeated():
    clock = FakeClock()
    systems = [clock.system(name, [1.0] * 6) for name in "abc"]
    latencies(systems, [("q1", "knowledge"), ("q2", "skill")], repeats=3, clock=clock)
    assert len(clock.calls) == 3 * 2 * 3
    turns = [clock.calls[i:i + 3] for i in range(0, len(clock.calls), 3)]  # one question, every system
    # every system answers a question before any moves on, and the first to answer rotates
    assert [{q for _, q in turn} for turn in turns] == [{"q1"}, {"q2"}] * 3
    assert [[name for name, _ in turn] for turn in turns[:4]] == [list("abc"), list("bca"), list("cab"), list("abc")]


def test_latency_is_each_answer_s_median_over_the_rounds_averaged_over_the_questions():
    clock = FakeClock()
    # costs in call order: round 1 (q1, q2), round 2, round 3; one load spike per system does not move the result
    systems = [clock.system("fast", [0.1, 0.3, 9.0, 0.3, 0.1, 0.3]),
               clock.system("slow", [1.0, 2.0, 1.0, 5.0, 1.0, 2.0])]
    assert latencies(systems, [("q1", "knowledge"), ("q2", "skill")], repeats=3, clock=clock) == \
        pytest.approx({"fast": 0.2, "slow": 1.5})


def _table(rag_k=0.85, lora_k=0.19, both_k=0.96, lora_c=0.97, both_c=0.95, both_both=0.95, rag_law=0.6, lora_law=0.2,
           prompting_k=0.0, prompting_c=0.0, rag_c=0.0):
    def row(k, c, b, law=0.0):
        return {KNOWLEDGE: k, COMPLIANCE: c, BOTH_CORRECT: b, UP_TO_DATE: law, OUT_OF_DATE: 1 - law, LATENCY: 100.0}
    return {PROMPTING: row(prompting_k, prompting_c, 0.0), RAG: row(rag_k, rag_c, 0.0, rag_law),
            LORA: row(lora_k, lora_c, 0.02, lora_law), LORA_RAG: row(both_k, both_c, both_both, rag_law)}


def test_best_systems_counts_close_scores_as_ties():
    table = _table(0.85, 0.19, 0.83, 0.97, 0.95, 0.95)
    assert best_systems(table, KNOWLEDGE) == [RAG, LORA_RAG]
    assert best_systems(table, KNOWLEDGE, tie=0.0) == [RAG]
    assert best_systems(table, COMPLIANCE) == [LORA, LORA_RAG]
    with pytest.raises(ValueError, match="latency"):
        best_systems({"a": {KNOWLEDGE: 1.0}}, "latency")


def test_the_verdict_states_the_claims_the_numbers_support():
    lines = verdict(_table())
    assert lines[0].startswith("RAG adds knowledge") and "+0.66" in lines[0]
    assert lines[1].startswith("Fine-tuning adds skills")
    assert lines[2].startswith("RAG keeps answers up to date") and "+0.40" in lines[2] and "rule in 0.80" in lines[2]
    assert lines[3].startswith("Both when you need both")
    assert lines[4] == ("Prompting alone brings neither the facts nor the format: new-case accuracy 0.00 (RAG 0.85), "
                        "format compliance 0.00 (LoRA 0.97).")


# Each line of the verdict, and numbers that turn its claim around (the other numbers as in `_table()`).
FLIPS = [(0, {"rag_k": 0.20}, "On these numbers RAG does not add more knowledge than LoRA (0.20 vs 0.19)."),
         (1, {"rag_c": 0.95}, "On these numbers LoRA does not add more skill than RAG (0.97 vs 0.95)."),
         (2, {"rag_law": 0.3, "lora_law": 0.3},
          "On these numbers RAG does not keep answers more up to date than LoRA (0.30 vs 0.30)."),
         (3, {"both_c": 0.40}, "LoRA + RAG is best or tied only on: new-case accuracy, format: both correct."),
         (4, {"prompting_k": 0.84}, "Prompting alone matches one fix only: new-case accuracy 0.84 (RAG 0.85), "
                                    "but format compliance 0.00 (LoRA 0.97)."),
         (4, {"prompting_c": 0.95}, "Prompting alone matches one fix only: format compliance 0.95 (LoRA 0.97), "
                                    "but new-case accuracy 0.00 (RAG 0.85)."),
         (4, {"prompting_k": 0.9, "prompting_c": 0.99},
          "Prompting alone is enough here: new-case accuracy 0.90 (RAG 0.85), format compliance 0.99 (LoRA 0.97).")]


@pytest.mark.parametrize("line, numbers, expected", FLIPS)
def test_every_verdict_line_turns_with_the_numbers(line, numbers, expected):
    before, after = verdict(_table()), verdict(_table(**numbers))
    assert after[line] == expected != before[line]
    claims = lambda lines: [text.split(":")[0] for i, text in enumerate(lines) if i != line]  # noqa: E731
    assert claims(after) == claims(before)  # the other claims still hold


def test_the_chart_has_titles_and_labelled_axes():
    import matplotlib.pyplot as plt

    axes = plot_head_to_head(_table())
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    plt.close("all")
