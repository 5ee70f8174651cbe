"""The citation checker: correct, real-but-wrong and fabricated citations and case names."""

import pytest

from ragft.evaluate.citations import CitationChecker, citation_rates, citation_verdict
from ragft.world.load import load_cases
from ragft.world.records import Case


def _case(case_id: str, plaintiff: str, defendant: str, citation: str) -> Case:
    year, court = int(citation[1:5]), citation.split()[1]
    return Case(case_id, f"{plaintiff} v. {defendant}", plaintiff, defendant, year, court, citation,
                "tenancy", "Justice Averill", f"rule of {case_id}", None, "known", False)


@pytest.fixture
def checker() -> CitationChecker:
    return CitationChecker([
        _case("C1", "Marlow", "Teague", "[2019] VHC 114"),
        _case("C2", "Quenby", "Ashdown", "[2005] VCA 7"),
    ])


def _statuses(findings):
    return [(f.kind, f.normalized, f.status, f.case_id) for f in findings]


def test_citations_are_correct_real_but_wrong_or_fabricated(checker):
    text = "See [2019] VHC 114, compare [2005] VCA 7 and [2019] VHC 115."
    assert _statuses(checker.check(text, "C1")) == [
        ("citation", "[2019] VHC 114", "correct", "C1"),
        ("citation", "[2005] VCA 7", "real_but_wrong", "C2"),
        ("citation", "[2019] VHC 115", "fabricated", None),
    ]


def test_small_spacing_slips_still_count(checker):
    for text in ("[2019]VHC 114", "[ 2019 ] VHC114", "[2019] VHC 0114"):
        (finding,) = checker.check(text, "C1")
        assert (finding.normalized, finding.status, finding.text) == ("[2019] VHC 114", "correct", text)


def test_case_names_are_matched_the_same_way(checker):
    text = "In Marlow v. Teague the court followed Quenby v Ashdown, not Teague v. Marlow."
    assert _statuses(checker.check(text, "C1")) == [
        ("case_name", "Marlow v. Teague", "correct", "C1"),
        ("case_name", "Quenby v. Ashdown", "real_but_wrong", "C2"),
        ("case_name", "Teague v. Marlow", "fabricated", None),
    ]


def test_without_an_expected_case_real_or_fabricated(checker):
    findings = checker.check("Marlow v. Teague [2019] VHC 114; Smith v. Jones [2020] VSC 3")
    assert [f.status for f in findings] == ["real", "real", "fabricated", "fabricated"]
    assert [f.start for f in findings] == sorted(f.start for f in findings)


def test_one_verdict_per_answer_is_its_worst_citation(checker):
    assert checker.verdict("Marlow v. Teague [2019] VHC 114", "C1") == "correct"
    assert checker.verdict("[2019] VHC 114 and [2005] VCA 7", "C1") == "real_but_wrong"
    assert checker.verdict("[2019] VHC 114 and [2011] VHC 9", "C1") == "fabricated"
    assert checker.verdict("Marlow v. Teague decided it.", "C1") == "no_citation"
    assert checker.verdict("[2005] VCA 7", "C1") == "real_but_wrong"


def test_citation_rates():
    rates = citation_rates(["correct", "fabricated", "fabricated", "no_citation"])
    assert rates == {"correct": 0.25, "real_but_wrong": 0.0, "fabricated": 0.5, "no_citation": 0.25}
    with pytest.raises(ValueError, match="no verdicts"):
        citation_rates([])
    with pytest.raises(ValueError, match="unknown verdicts"):
        citation_rates(["real"])


def test_on_the_real_cases_every_citation_is_its_own_and_guesses_are_fabricated():
    cases = load_cases()
    for case, other in zip(cases, cases[1:] + cases[:1]):
        assert citation_verdict(f"Authority: {case.name} {case.citation}", case.case_id) == "correct"
        assert citation_verdict(other.citation, case.case_id) == "real_but_wrong"
    checker = CitationChecker(cases)
    guesses = [f"[{year}] VHC {n}" for year in range(2000, 2025) for n in range(1, 401)]
    real = sum(checker.check(g)[0].status == "real" for g in guesses)
    assert real / len(guesses) < 0.02
