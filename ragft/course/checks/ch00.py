"""Checks for chapter 00's warm-up exercises."""

from ragft.course.checks import Verdict, expect_close, expect_equal, expect_type, more_help_for, run_check
from ragft.decide.matrix import QUADRANTS

more_help = more_help_for(__name__)  # chNN.more_help(n): a near-solution, after the check's hint



def exercise_1(citation_year) -> Verdict:
    """The year of a neutral citation such as "[2019] VHC 114"."""
    def test():
        for citation, year in [("[2019] VHC 114", 2019), ("[2003] VCA 7", 2003), ("[2024] VSC 388", 2024)]:
            got = citation_year(citation)
            expect_type(got, int, f"citation_year({citation!r})", hint="convert the digits with int(...)")
            expect_equal(got, year, f"citation_year({citation!r})")
    return run_check("Exercise 1 · the year of a citation", test,
                     hint="the year is the four digits between the square brackets: try citation[1:5]")


def exercise_2(token_ratio) -> Verdict:
    """How many times more tokens Llama 3 saw than Llama 2 (15T vs 2T)."""
    def test():
        expect_close(token_ratio(), 15 / 2, "token_ratio()", tol=1e-9,
                     hint="divide Llama 3's 15 trillion tokens by Llama 2's 2 trillion")
    return run_check("Exercise 2 · data scale", test,
                     hint="divide the two token counts (the trillions cancel out)",
                     success="Llama 3 saw about 7 times more text than Llama 2.")


def exercise_3(which_approach) -> Verdict:
    """The decision matrix's four quadrants."""
    def test():
        for (external_data, capability), expected in QUADRANTS.items():
            got = which_approach(external_data, capability)
            expect_type(got, str, f"which_approach({external_data}, {capability})")
            expect_equal(got.strip(), expected, f"which_approach(external_data={external_data}, capability={capability})",
                         hint="external data → RAG, capability → fine-tuning, both → both, neither → prompt engineering")
    return run_check("Exercise 3 · the decision matrix in four lines", test,
                     hint="RAG brings in external knowledge, fine-tuning brings in capability")
