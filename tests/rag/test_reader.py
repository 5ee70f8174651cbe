"""The extractive reader: answers are whole-word spans of the context, and the course model reads unseen facts."""

import random
import re

import pytest

from ragft.model.generation import generate_all
from ragft.model.gpt import TinyGPT, load_course_model
from ragft.rag.reader import FORMAT_TEMPLATE, SPAN, context_of, copy_greedy, extractive_generator
from ragft.world.load import load_knowledge_base, load_questions
from ragft.world.prompts import closed_book_prompt, reading_prompt
from ragft.world.texts import passage_text, question_and_answer

from future_case import FUTURE


@pytest.fixture(scope="module")
def model():
    return load_course_model()


def test_answers_are_whole_word_spans_of_the_context(model):
    passages = {p.case_id: p.text for p in load_knowledge_base()}
    read = extractive_generator(model)
    questions = load_questions(case_split="new", split="dev")[:24]
    for q in questions:
        context = [passages[q.case_id], passages["C0001"]]
        answer = read(reading_prompt(context, q.question)).strip()
        source = " ".join(context)
        assert answer and answer in source, (q.question, answer)
        after = source[source.index(answer) + len(answer):][:1]
        assert not after.isalnum(), f"{answer!r} stops inside a word"


# "Which case held that …?" is the reader's weakest kind (chapter 03 counts its reading failures); the other three
# it reads off a passage about a case from 2031, whose year and parties it has never seen.
@pytest.mark.parametrize("kind", ["citation", "year", "rule"])
def test_the_course_model_reads_a_case_it_cannot_know(model, kind):
    question, gold = question_and_answer(FUTURE, kind)
    prompt = reading_prompt([passage_text(FUTURE, random.Random(0))], question)
    answer = copy_greedy(model, prompt, context_of(prompt)).text.strip()
    assert len(copy_greedy(model, prompt, context_of(prompt)).token_probs) == len(model.encode(" " + answer))
    assert answer == gold


def test_a_prompt_without_a_context_block_is_refused(model):
    with pytest.raises(ValueError, match="Context: <passages>"):
        extractive_generator(model)(closed_book_prompt("What is the neutral citation of Endicott v. Wragg?"))
    with pytest.raises(ValueError, match="non-empty source"):
        copy_greedy(model, "Context: x\nQuestion: y\nAnswer:", "")


def _pieces(answer: str) -> list[str]:
    """The spans between the format's fixed words."""
    return [p.strip() for p in re.split(r"Holding:|Authority:", answer) if p.strip()]


def test_a_template_lets_the_reader_write_its_words_and_copy_the_rest(model):
    prompt = reading_prompt([passage_text(FUTURE, random.Random(0))], "State the holding of Quillan v. Marchetti with its authority.")
    source = context_of(prompt)
    # The model chooses: a spanning answer without the template's words, or the template with copied slots.
    for template in (None, FORMAT_TEMPLATE):
        answer = copy_greedy(model, prompt, source, 64, template).text.strip()
        assert answer and all(piece in source for piece in _pieces(answer)), answer
    # Forcing the template's first word shows the rest: its words in order, each slot a span of the source.
    forced = copy_greedy(model, prompt + " Holding:", source, 64, (SPAN, " Authority:", SPAN)).text.strip()
    assert forced.count("Authority:") <= 1 and all(piece in source for piece in _pieces(forced)), forced


def test_without_a_template_the_reader_never_writes_the_format(model):
    questions = load_questions(case_split="new", split="dev")[:12]
    passages = {p.case_id: p.text for p in load_knowledge_base()}
    for q in questions:
        prompt = reading_prompt([passages[q.case_id]], q.question)
        assert "Holding:" not in copy_greedy(model, prompt, context_of(prompt)).text


def test_the_reader_and_plain_answers_go_through_the_same_loop(model, monkeypatch):
    loop, constrained = TinyGPT.complete, []

    def spy(self, prompts, *args, **kwargs):
        constrained.append(kwargs.get("allowed") is not None)
        return loop(self, prompts, *args, **kwargs)

    monkeypatch.setattr(TinyGPT, "complete", spy)
    prompt = reading_prompt([passage_text(FUTURE, random.Random(0))], "What is the neutral citation of Quillan v. Marchetti?")
    copied = copy_greedy(model, prompt, context_of(prompt))
    plain = [model.generate(prompt), model.answer_with_confidence(prompt).text, model.answer_batch([prompt])[0].text,
             generate_all(model, [prompt])[0]]
    assert constrained == [True, False, False, False, False]
    assert len({answer.strip() for answer in plain}) == 1  # one loop: the four plain entry points agree
    assert copied.text.strip() == FUTURE.citation  # the constraint keeps the copy exact where free reading may drift
