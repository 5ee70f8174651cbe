"""The tiny GPT, its tokenizer, sampling, checkpoints and closed-book QA, on tiny configs (seconds)."""

import json
import subprocess
import sys
import math
from types import SimpleNamespace

import pytest
import torch

from ragft.evaluate.answers import closed_book_accuracy, closed_book_records, closed_book_table, exact_match, normalize
from ragft.model.baselines import bigram_loss, uniform_loss
from ragft.model.gpt import (CHECKPOINT_FILES, COURSE_MODEL_DIR, Answer, MissingCheckpointError, TinyGPT,
                             count_parameters, load_course_model, make_gpt, sample_next_token)
from ragft.model.tokenizer import EOT, encode_documents, eot_id, train_tokenizer
from ragft.model.training import TrainConfig, evaluate_loss, train
from ragft.model.weights import WeightsFileError
from ragft.paths import DATASETS_DIR, file_sha256
from ragft.world.groups import question_groups
from ragft.world.load import load_pretrain_corpus
from ragft.world.prompts import closed_book_prompt
from ragft.world.records import CORPUS_FILE

QA = {
    "What is the neutral citation of Marlow v. Teague?": "[2019] VHC 114",
    "In which year was Ashby v. Crane decided?": "2004",
    "What rule did Penrose v. Hale establish?": "a landlord must return a deposit within 14 days",
}
LINES = [f"{closed_book_prompt(q)} {a}" for q, a in QA.items()]


@pytest.fixture(scope="module")
def tokenizer():
    return train_tokenizer(LINES * 20, vocab_size=300)


@pytest.fixture(scope="module")
def tiny(tokenizer) -> TinyGPT:
    """A 2-layer GPT that has memorised the three QA lines."""
    torch.manual_seed(0)
    model = make_gpt(tokenizer.get_vocab_size(), n_layer=2, n_head=2, n_embd=32, n_positions=64)
    cfg = TrainConfig(steps=300, batch_size=8, lr=1e-2, min_lr=1e-3, warmup_steps=10, eval_every=0)
    history = train(model, encode_documents(tokenizer, LINES * 50), cfg, progress=False)
    return TinyGPT(model.eval(), tokenizer, {"final_loss": history.losses[-1]})


def test_tokenizer_is_deterministic_and_lossless(tokenizer):
    assert train_tokenizer(LINES * 20, vocab_size=300).to_str() == tokenizer.to_str()
    assert tokenizer.get_vocab_size() == 300 and eot_id(tokenizer) == 0
    text = "Marlow v. Teague, [2019] VHC 114 — déjà vu\n"  # unseen characters still round-trip (byte level)
    assert tokenizer.decode(tokenizer.encode(text).ids) == text


def test_encode_documents_separates_with_eot(tokenizer):
    ids = encode_documents(tokenizer, ["a b", "c"])
    assert ids.tolist() == [*tokenizer.encode("a b").ids, 0, *tokenizer.encode("c").ids, 0]
    assert tokenizer.decode(ids.tolist(), skip_special_tokens=False).count(EOT) == 2


def test_parameter_count_matches_the_gpt2_formula():
    V, L, d, P = 300, 3, 48, 64
    model = make_gpt(V, n_layer=L, n_head=4, n_embd=d, n_positions=P)
    per_block = 12 * d * d + 13 * d  # attention 4d²+4d, MLP 8d²+5d, two LayerNorms 4d
    assert count_parameters(model) == V * d + P * d + L * per_block + 2 * d  # the output head is tied: not counted
    assert model.lm_head.weight is model.transformer.wte.weight
    assert model.config.activation_function == "gelu_pytorch_tanh"
    model.transformer.wte.weight.requires_grad_(False)
    assert count_parameters(model, trainable_only=True) == count_parameters(model) - V * d


def test_greedy_generation_reproduces_memorised_lines(tiny):
    assert tiny.training["final_loss"] < 0.5
    for question, answer in QA.items():
        assert tiny.generate(closed_book_prompt(question)).strip() == answer


def test_generation_stops_at_the_line_break_unless_asked_not_to(tiny):
    prompt = "Question: What is the neutral citation of"
    assert tiny.generate(prompt) == " Marlow v. Teague?"
    assert tiny.generate(prompt, stop_at_newline=False) == " Marlow v. Teague?\nAnswer: [2019] VHC 114"  # to EOT


def greedy_by_recomputing(tiny: TinyGPT, prompt: str, steps: int) -> str:
    """The plainest greedy loop: re-read the (cropped) context for every new token, stop at <|endoftext|>."""
    ids = tiny.prompt_ids(prompt)
    new = []
    while len(new) < steps and 0 not in new:
        new.append(int(tiny.next_token_logits(torch.tensor([ids + new])).argmax()))
    return tiny.decode(new)


def test_cached_generation_equals_recomputing_the_window_each_step(tiny):
    long_prompt = "\n".join(LINES) + "\nQuestion: In which year"
    mid_prompt = tiny.decode(tiny.encode(long_prompt)[-56:])
    assert len(tiny.prompt_ids(long_prompt)) > 64 > len(tiny.prompt_ids(mid_prompt)) + 5  # context: 64 tokens
    for prompt in (long_prompt, mid_prompt, LINES[0][:40]):  # slides from the start, midway, never
        expected = greedy_by_recomputing(tiny, prompt, 16)
        assert tiny.generate(prompt, max_new_tokens=16, stop_at_newline=False) == expected


def test_temperature_zero_and_top_k_one_are_greedy(tiny):
    prompt = "Question: In which"
    greedy = tiny.generate(prompt, temperature=0)
    assert tiny.generate(prompt, temperature=1.5, top_k=1, seed=3) == greedy
    logits = torch.randn(4, 50)
    assert torch.equal(sample_next_token(logits, temperature=0), logits.argmax(-1, keepdim=True))


def test_same_seed_same_samples(tiny):
    samples = [tiny.generate("Question:", temperature=2.0, stop_at_newline=False, max_new_tokens=30, seed=s)
               for s in (7, 7, 8)]
    assert samples[0] == samples[1] != samples[2]


def test_top_k_restricts_samples_to_the_k_best():
    logits = torch.tensor([[0.0, 5.0, 4.0, 1.0]])
    draws = {sample_next_token(logits, 1.0, top_k=2, generator=torch.Generator().manual_seed(i)).item()
             for i in range(50)}
    assert draws == {1, 2}


def test_confidence_matches_the_probability_of_the_answer(tiny):
    prompt = closed_book_prompt(next(iter(QA)))
    answer = tiny.answer_with_confidence(prompt)
    assert answer.text.strip() == QA[next(iter(QA))]
    # Score the prompt + answer tokens in one forward pass: the product of the chosen-token probabilities.
    prompt_ids, answer_ids = tiny.prompt_ids(prompt), tiny.encode(answer.text)
    logits = tiny.model(torch.tensor([prompt_ids + answer_ids])).logits[0, len(prompt_ids) - 1 : -1]
    logprob = torch.log_softmax(logits, -1).gather(1, torch.tensor(answer_ids)[:, None]).sum().item()
    assert answer.product_prob == pytest.approx(math.exp(logprob), rel=1e-4)
    assert answer.product_prob <= answer.min_prob <= answer.mean_prob <= 1


def test_answer_batch_equals_one_at_a_time(tiny):
    prompts = [closed_book_prompt(q) for q in QA] + ["Question: Who won?\nAnswer:"]
    batch = tiny.answer_batch(prompts)
    for prompt, answer in zip(prompts, batch):
        single = tiny.answer_with_confidence(prompt)
        assert answer.text == single.text
        assert answer.token_probs == pytest.approx(single.token_probs, abs=1e-5)


def test_a_padded_batch_answers_as_each_prompt_alone(tiny):
    prompts = [closed_book_prompt(q) for q in QA] + ["Question: Who won?\nAnswer:"]
    lengths = [len(tiny.prompt_ids(p)) for p in prompts]
    assert len(set(lengths)) > 1 and max(lengths) + 16 <= tiny.n_positions  # one batch, padded
    padded = tiny.answer_batch(prompts, max_new_tokens=16, batch_size=len(prompts))
    for prompt, answer in zip(prompts, padded):
        single = tiny.answer_with_confidence(prompt, max_new_tokens=16)
        assert answer.text == single.text
        assert answer.token_probs == pytest.approx(single.token_probs, abs=1e-5)


def test_only_batches_of_different_lengths_are_padded(tiny):
    masked = []
    hook = tiny.model.register_forward_pre_hook(lambda module, args, kwargs: masked.append("attention_mask" in kwargs),
                                                with_kwargs=True)
    try:
        for prompts, padded in (([LINES[0][:40]] * 2, False), ([LINES[0][:40], "Question:"], True)):
            assert (len(tiny.prompt_ids(prompts[0])) != len(tiny.prompt_ids(prompts[1]))) == padded
            masked.clear()
            tiny.answer_batch(prompts, max_new_tokens=8, batch_size=2)  # fits in the 64-token window
            assert masked and all(m == padded for m in masked)
    finally:
        hook.remove()


def test_prompts_too_long_to_pad_slide_by_length(tiny):
    long_prompt = "\n".join(LINES) + "\nQuestion: In which year"
    prompts = [long_prompt, closed_book_prompt(next(iter(QA)))]
    assert tiny.answer_batch(prompts, batch_size=2) == tiny.answer_batch(prompts)
    with pytest.raises(ValueError, match="one window"):
        tiny.complete([tiny.prompt_ids(p) for p in prompts], max_new_tokens=8)


def test_allowed_tokens_restrict_every_step(tiny):
    prompt = [tiny.prompt_ids(closed_book_prompt("What is the neutral citation of Marlow v. Teague?"))]
    digits = torch.tensor([tiny.decode([i]).strip().isdigit() for i in range(tiny.tokenizer.get_vocab_size())])
    answer = tiny.complete(prompt, 6, allowed=lambda chosen: (digits | tiny.stop_mask(True))[None])[0]
    assert answer.text.replace(" ", "").isdigit() and len(answer.token_probs) == 6
    # Allowed nothing but a stop token, the answer is complete before its first step.
    assert tiny.complete(prompt, 6, allowed=lambda chosen: tiny.stop_mask(True)[None])[0] == Answer("", [])


def test_next_token_distribution_is_sorted_and_starts_with_the_greedy_token(tiny):
    prompt = closed_book_prompt("In which year was Ashby v. Crane decided?")
    top = tiny.next_token_distribution(prompt, k=5)
    probs = [p for _, p in top]
    assert len(top) == 5 and probs == sorted(probs, reverse=True) and sum(probs) <= 1 + 1e-6
    assert tiny.generate(prompt, max_new_tokens=1) == top[0][0]
    hot = tiny.next_token_distribution(prompt, k=5, temperature=5.0)
    assert hot[0][1] < top[0][1]  # a higher temperature flattens the distribution


@pytest.mark.parametrize("dtype, tolerance", [(torch.float32, 0.0), (torch.float16, 2e-2)])
def test_save_load_round_trip(tiny, tmp_path, dtype, tolerance):
    tiny.save(tmp_path, dtype=dtype)
    loaded = TinyGPT.load(tmp_path)
    x = torch.tensor([tiny.prompt_ids(LINES[0])])
    with torch.no_grad():
        expected, got = tiny.model(x).logits, loaded.model(x).logits
    assert loaded.model.transformer.wte.weight.dtype == torch.float32
    assert loaded.model.lm_head.weight is loaded.model.transformer.wte.weight
    assert torch.allclose(got, expected, atol=tolerance, rtol=0)
    assert loaded.tokenizer.to_str() == tiny.tokenizer.to_str() and loaded.training == tiny.training
    assert sorted(p.name for p in tmp_path.iterdir()) == [*CHECKPOINT_FILES, "training.json"]


def test_missing_checkpoint_names_the_file_and_the_fix(tiny, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing config\.json, model\.safetensors, tokenizer\.json"):
        load_course_model(tmp_path)
    tiny.save(tmp_path)
    (tmp_path / "model.safetensors").unlink()
    with pytest.raises(MissingCheckpointError, match=r"missing model\.safetensors\. .*python -m ragft\.make\.pretrain"):
        TinyGPT.load(tmp_path)


def test_a_truncated_checkpoint_names_the_file_and_the_fix(tiny, tmp_path):
    tiny.save(tmp_path)
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(WeightsFileError, match=r"model\.safetensors cannot be read: it is truncated.*git checkout"):
        TinyGPT.load(tmp_path)


def test_normalize_and_exact_match():
    assert normalize("  [2019]   VHC 114. ") == "[2019] vhc 114"
    gold = "a landlord must return a deposit within 14 days"
    assert exact_match(" A landlord must return a Deposit  within 14 days.", gold)
    assert not exact_match("[2019] VHC 115", "[2019] VHC 114")
    assert not exact_match("", "2004")


def test_closed_book_accuracy_and_records(tiny):
    known = [SimpleNamespace(question=q, answer=a) for q, a in QA.items()]
    unknown = SimpleNamespace(question="In which year was Lowe v. Pike decided?", answer="1999")
    assert closed_book_accuracy(tiny, known) == 1.0
    records = closed_book_records(tiny, [*known, unknown])
    assert [r.correct for r in records] == [True, True, True, False]
    assert records[0].prediction == "[2019] VHC 114" and records[3].gold == "1999"
    assert all(0 < r.confidence <= 1 for r in records)
    with pytest.raises(ValueError):
        closed_book_accuracy(tiny, [])


def test_course_checkpoint_was_trained_on_the_committed_corpus():
    trained_on = json.loads((COURSE_MODEL_DIR / "training.json").read_text())["corpus"]["sha256"]
    assert trained_on == file_sha256(DATASETS_DIR / CORPUS_FILE), (
        "datasets/pretrain_corpus.jsonl changed after checkpoints/tiny-gpt was trained: "
        "re-run `python -m ragft.make.pretrain` and commit the new checkpoint"
    )


def test_course_checkpoint_is_small_loads_fast_and_answers_in_citation_shape():
    sizes = sum(p.stat().st_size for p in COURSE_MODEL_DIR.iterdir())
    assert sizes < 10_000_000
    model = load_course_model()  # its load time is measured in the benchmarks, not asserted here
    answer = model.generate(closed_book_prompt("What is the neutral citation of Quill v. Ormsby?"))
    assert answer.strip().startswith("[") and "]" in answer


def test_course_checkpoint_scores_what_its_record_says_and_tells_the_story():
    model = load_course_model()
    table = closed_book_table(model, question_groups())
    recorded = model.training["metrics"]["closed_book_exact_match"]
    for group, row in table.items():
        assert row == pytest.approx(recorded[group], abs=0.02), group  # greedy near-ties may flip on other CPUs
    qa, no_qa, new = (table[group]["all"] for group in ("known, QA in corpus", "known, no QA in corpus", "new"))
    assert qa > no_qa + 0.1 and no_qa > 0.2 and new < 0.05  # memorised > read about > never seen


def test_course_checkpoint_beats_the_bigram_baseline_and_the_uniform_guess():
    model = load_course_model()
    texts = {split: [d.text for d in load_pretrain_corpus(split)] for split in ("train", "val")}
    train_ids, val_ids = (encode_documents(model.tokenizer, texts[s]) for s in ("train", "val"))
    vocab = model.tokenizer.get_vocab_size()
    val_loss = evaluate_loss(model.model, val_ids)
    bigram = bigram_loss(train_ids, val_ids, vocab, k=0.01)
    assert val_loss < bigram - 1.0 and bigram < uniform_loss(vocab) - 4.0


def _pretrain(*args: str) -> subprocess.CompletedProcess:
    """Run the pretraining script, as a learner would."""
    return subprocess.run([sys.executable, "-m", "ragft.make.pretrain", *args], capture_output=True, text=True)


def test_pretraining_runs_both_stages_and_reuses_a_stage_1_checkpoint(tmp_path):
    # One thread: the default (2, the course's machine) oversubscribes the CPU when `make test` runs two workers.
    # Closed book on 2 questions of each kind per group: an untrained model writes to its token limit on every one.
    assert _pretrain("--minutes", "0.04", "--reading-steps", "0", "--threads", "1", "--eval-questions", "2",
                     "--out", str(tmp_path / "stage1")).returncode == 0
    stage1 = TinyGPT.load(tmp_path / "stage1")  # 2 steps, no reading practice
    assert stage1.training["train_config"]["steps"] == 2 and "reading_practice" not in stage1.training
    run = _pretrain("--reading-steps", "2", "--stage1", str(tmp_path / "stage1"), "--threads", "1",
                    "--eval-questions", "2", "--out", str(tmp_path / "both"))
    assert run.returncode == 0, run.stderr
    assert "closed-book exact match (the first 2 questions of each kind)" in run.stdout
    both = TinyGPT.load(tmp_path / "both")
    assert both.training["metrics"]["closed_book_questions_per_kind"] == 2
    assert "closed_book_questions_per_kind" not in TinyGPT.load(COURSE_MODEL_DIR).training["metrics"]
    practice = both.training["reading_practice"]
    assert practice["train_config"]["steps"] == 2 and practice["items"] == 4000
    assert both.training["command"].endswith(" --reading-steps 2 --threads 1") and both.training["threads"] == 1
    assert both.training["command"].count("--threads") == 1 and "closed_book_exact_match" in both.training["metrics"]
    again = _pretrain("--stage1", str(tmp_path / "both"), "--out", str(tmp_path / "again"))
    assert again.returncode != 0 and "not a stage-1 checkpoint" in again.stderr
    none = _pretrain("--eval-questions", "0", "--out", str(tmp_path / "none"))
    assert none.returncode != 0 and "at least 1, got 0" in none.stderr and not (tmp_path / "none").exists()
