"""Ask your documents from the command line; every answer names the chunks it comes from.

    python -m ragft.ask "how do I read a JSON file into a dict?"        # the standard library's pydoc
    python -m ragft.ask --docs DIR "question" [--k 5] [--sentences 3] [--show-chunks]
    python -m ragft.ask --docs DIR --eval QUESTIONS.jsonl [--split test]  # recall@1/@5 and MRR, with counts
    python -m ragft.ask --docs DIR --reindex                             # embed every file again

Installed with the course, the command is also `ragft-ask`. The first run embeds the documents (a progress bar on
stderr); later runs embed only the files that changed. The index lives under the course's cache (RAGFT_CACHE_DIR,
else .cache/), never in your documents folder, unless --index DIR says where. The logic is `ragft.rag.ask_docs`.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from transformers.utils import logging as hf_logging

from ragft.course.hub import SETTING, HubModelUnavailable, hub_model_setting, load_hub_model
from ragft.course.offline import is_online, network_blocked
from ragft.rag.ask_docs import DocsAnswer, answer_question, evaluate_questions, open_docs_index, questions_without_gold
from ragft.rag.citation_check import CitationReport, check_citations
from ragft.rag.doc_eval import SPLITS, load_doc_questions
from ragft.rag.documents import DocumentsError
from ragft.rag.embeddings import MissingModelError
from ragft.rag.index_folder import REBUILD, DocIndexError
from ragft.rag.sourced_answers import generated_answer

USAGE_ERROR = 2  # the exit code of a problem the message explains (argparse uses it for bad arguments too)


class CommandError(Exception):
    """A problem the learner can fix, explained in the message: printed without a traceback."""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ragft.ask", description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", nargs="*", metavar="QUESTION", help="what you want to know (one or more)")
    parser.add_argument("--docs", type=Path, help="folder of .md, .txt, .html, .pdf files "
                        "(default: the pydoc of 20 standard-library modules)")
    parser.add_argument("--index", type=Path, help="folder of the index (default: under the course's cache)")
    parser.add_argument("--reindex", action="store_true", help="empty the index and embed every file again")
    parser.add_argument("--k", type=int, default=5, help="chunks retrieved per question (default: 5)")
    parser.add_argument("--sentences", type=int, default=3, help="sentences in an answer (default: 3)")
    parser.add_argument("--show-chunks", action="store_true", help="print the text of every retrieved chunk")
    parser.add_argument("--eval", type=Path, metavar="QUESTIONS.jsonl", help="labelled questions, one JSON object "
                        'a line: {"question": ..., "source": ..., "sections": [...]}; prints recall@1/@5 and MRR')
    parser.add_argument("--split", choices=SPLITS, help="evaluate only the questions of this split")
    parser.add_argument("--hub-model", default=hub_model_setting(), metavar="NAME_OR_FOLDER",
                        help=f"an instruction model that writes the answer (default: the setting {SETTING}; "
                             "empty: copied sentences only)")
    args = parser.parse_args(argv)
    if args.k < 1 or args.sentences < 1:
        parser.error("--k and --sentences must be at least 1")
    if any(not q.strip() for q in args.questions):
        parser.error('a question is empty: write what you want to know, e.g. "how do I read a JSON file?"')
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    warnings.showwarning = _print_warning
    hf_logging.disable_progress_bar()  # transformers' "Loading weights" bar; the embedding bar stays
    try:
        run(args)
    except (CommandError, DocumentsError, DocIndexError, MissingModelError) as err:
        print(f"error: {str(err).replace(REBUILD, '--reindex')}", file=sys.stderr)
        return USAGE_ERROR
    return 0


def run(args: argparse.Namespace) -> None:
    questions = _load_questions(args.eval, args.split) if args.eval else None  # a bad file fails before embedding
    start = time.perf_counter()
    docs_index = open_docs_index(args.docs, args.index, rebuild=args.reindex)
    print(f"indexed: {docs_index.report} in {time.perf_counter() - start:.1f} s; {len(docs_index.index)} chunks "
          f"in {docs_index.index.folder}", file=sys.stderr)
    if questions is not None:
        _print_evaluation(docs_index, questions, args)
    generator = _load_generator(args.hub_model) if args.hub_model and args.questions else None
    for question in args.questions:
        start = time.perf_counter()
        result = answer_question(docs_index.index, question, args.k, args.sentences)
        _print_answer(result, args.show_chunks, generator)
        print(f"answered in {time.perf_counter() - start:.2f} s", file=sys.stderr)


def _load_questions(path: Path, split: str | None) -> list:
    try:
        questions = load_doc_questions(path, split)
    except (OSError, ValueError) as err:  # missing, unreadable, or a line that is not a labelled question
        raise CommandError(str(err)) from err
    if not questions:
        raise CommandError(f"{path} holds no question{f' of the split {split!r}' if split else ''}. Fix: one JSON "
                           'object a line, e.g. {"question": "how do I install it?", "source": "guide/install.md"}')
    return questions


def _print_evaluation(docs_index, questions: list, args: argparse.Namespace) -> None:
    unanswerable = questions_without_gold(questions, docs_index.chunks)
    if unanswerable:
        warnings.warn(f"{len(unanswerable)} question(s) name a source or section that no chunk has, so they count "
                      f"as misses: {', '.join(q.id for q in unanswerable)}. Fix their \"source\" (a path relative "
                      "to the documents folder) or \"sections\" (heading paths, e.g. \"Install > Linux\")")
    scores = evaluate_questions(docs_index, questions)
    n = scores["questions"]
    print(f"Retrieval on {n} question(s) from {args.eval}{f' (split {args.split})' if args.split else ''}:")
    for k in (1, 5):
        rate = scores[f"recall@{k}"]
        print(f"  recall@{k}  {rate:.3f}  ({round(rate * n)}/{n} with a gold chunk in the first {k})")
    print(f"  MRR       {scores['MRR']:.3f}  (mean of 1/rank of the first gold chunk, 0 beyond rank 10)")


def _load_generator(name: str):
    """(model, tokenizer) of the hub model or local folder `name`; None, saying why, when it cannot be loaded."""
    local_only = Path(name).is_dir() or network_blocked() or not is_online()
    try:
        return load_hub_model(name, local_files_only=local_only)
    except HubModelUnavailable as err:
        print(f"warning: {err} The answers below are copied from the documents instead.", file=sys.stderr)
        return None


def _print_answer(result: DocsAnswer, show_chunks: bool, generator) -> None:
    print(f"\nQ: {result.question}")
    if generator is None:
        text, check, how = result.answer.text, result.check, "copied from the documents"
    else:
        model, tokenizer = generator
        text = generated_answer(result.question, result.hits, model, tokenizer)
        check, how = check_citations(text, result.hits), f"written by {model.name_or_path}"
    print(f"Answer ({how}):")
    print("\n".join(f"  {line}" for line in text.splitlines()) or "  (no sentence of the retrieved chunks answers it)")
    print(_check_summary(check))
    print("Sources:")
    width = max(len(h.id) for h in result.hits)
    for hit in result.hits:
        print(f"  {hit.id:<{width}}  {hit.source}  {hit.section or '-'}  {hit.score:.3f}")
        if show_chunks:
            print("\n".join(f"      {line}" for line in hit.text.splitlines()))


def _check_summary(check: CitationReport) -> str:
    """The citation checker's counts in one line, then each problem it found."""
    counts = check.counts
    if not counts["claims"]:
        return "Citations checked: no claim to check"
    if check.ok:
        return f"Citations checked: all {counts['claims']} claim(s) cite a retrieved chunk that supports them"
    lines = ["Citations checked: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items())]
    return "\n".join(lines + [f"  - {problem}: {claim}" for problem, claim in check.offending])


def _print_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"warning: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
