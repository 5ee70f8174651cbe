"""The package's layers, checked: every import of every module (inside functions too) goes down, never up.

Teaching code is layered, lowest first: the foundation (`ragft`, `ragft.heap`, `ragft.paths`, `ragft.seed`, `ragft.threads`), then `world`, `model`,
`evaluate`, `rag`, `finetune`, `decide`; a module may import its own layer and the layers below it. The course
machinery (`ragft.course`) may use any teaching layer, and no teaching module may import it. The scripts
(`ragft.make`) and the learner's command (`ragft.ask`) are entry points: they may use the course machinery too,
and nothing imports them, not even another script.
"""

import ast
from pathlib import Path

import pytest

from ragft.paths import REPO_ROOT

FOUNDATION = ("ragft", "ragft.heap", "ragft.paths", "ragft.seed", "ragft.threads")
LAYERS = ("world", "model", "evaluate", "rag", "finetune", "decide")  # lowest first
COURSE, SCRIPTS = "course", "make"
COMMANDS = ("ragft.ask",)  # entry points outside ragft.make: `python -m ragft.ask`, installed as `ragft-ask`


def part_of(module: str) -> str:
    """The part of the package a module belongs to: "foundation", a layer's name, "course" or "make" (the
    scripts, and the commands in COMMANDS)."""
    if module in FOUNDATION:
        return "foundation"
    if module in COMMANDS:
        return SCRIPTS
    part = module.split(".")[1]
    if part in (*LAYERS, COURSE, SCRIPTS):
        return part
    raise ValueError(f"{module} belongs to no layer: put it in one of {LAYERS + (COURSE, SCRIPTS)} (tests/test_architecture.py)")


def rank(part: str) -> int:
    """How high a teaching part sits: the foundation is 0, `world` 1, ... `decide` 6."""
    return 0 if part == "foundation" else LAYERS.index(part) + 1


def imported_modules(source: str, modules: set[str]) -> set[str]:
    """The `ragft` modules a source imports anywhere (functions included); `from ragft.x import y` counts as
    importing the module `ragft.x.y` when that is a module, else `ragft.x`."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "ragft"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module.split(".")[0] == "ragft":
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in modules else node.module)
    return found


def violations(sources: dict[str, str]) -> list[str]:
    """Every import that breaks the layer rule, as "importer -> imported: why", given {module name: source}."""
    modules = set(sources)
    problems = []
    for importer, source in sources.items():
        here = part_of(importer)
        for imported in sorted(imported_modules(source, modules)):
            there = part_of(imported)
            if there == SCRIPTS and imported != importer:
                problems.append(f"{importer} -> {imported}: scripts are entry points, nothing imports them")
            elif there == COURSE and here not in (COURSE, SCRIPTS):
                problems.append(f"{importer} -> {imported}: teaching code never imports the course machinery")
            elif here not in (COURSE, SCRIPTS) and there not in (COURSE, SCRIPTS) and rank(there) > rank(here):
                problems.append(f"{importer} -> {imported}: the {here} layer imports the {there} layer above it")
    return problems


def package_sources(root: Path) -> dict[str, str]:
    """{module name: source} of every module under `root` (a folder named ragft)."""
    sources = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        sources[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path.read_text(encoding="utf-8")
    return sources


def test_every_module_imports_only_its_own_layer_and_those_below():
    sources = package_sources(REPO_ROOT / "ragft")
    assert {part_of(m) for m in sources} == {"foundation", *LAYERS, COURSE, SCRIPTS}
    assert violations(sources) == []


def test_nothing_outside_the_package_imports_a_script():
    # Tests, benchmarks and notebooks run the scripts as commands (`python -m ragft.make.…`,
    # `python -m ragft.ask`), as a learner would.
    files = [*REPO_ROOT.glob("tests/**/*.py"), *REPO_ROOT.glob("benchmarks/*.py"), *REPO_ROOT.glob("browser_tests/*.py")]
    modules = set(package_sources(REPO_ROOT / "ragft"))
    importers = [f for f in files if any(part_of(m) == SCRIPTS for m in imported_modules(f.read_text(), modules))]
    assert importers == []


PLANTED = {
    "upward, inside a function": ("ragft.model.gpt", "def f():\n    from ragft.rag.bm25 import BM25Index\n",
                                  "the model layer imports the rag layer above it"),
    "course machinery from teaching code": ("ragft.evaluate.style", "import ragft.course.widgets\n",
                                            "teaching code never imports the course machinery"),
    "a script from the course": ("ragft.course.hub", "from ragft.make import pretrain\n",
                                 "scripts are entry points, nothing imports them"),
    "a script from a script": ("ragft.make.adapters", "from ragft.make.pretrain import main\n",
                               "scripts are entry points, nothing imports them"),
    "the learner's command from teaching code": ("ragft.rag.ask_docs", "from ragft import ask\n",
                                                 "scripts are entry points, nothing imports them"),
}


@pytest.mark.parametrize("case", PLANTED)
def test_a_planted_violation_is_reported(case):
    importer, line, why = PLANTED[case]
    sources = package_sources(REPO_ROOT / "ragft")
    sources[importer] += "\n" + line
    problems = violations(sources)
    assert len(problems) == 1 and problems[0].startswith(f"{importer} -> ") and problems[0].endswith(why), problems


def test_a_planted_package_on_disk_is_read_and_reported(tmp_path):
    root = tmp_path / "ragft"
    for module, source in {"__init__": "", "world/__init__": "", "world/facts": "from ragft.decide import matrix\n",
                           "decide/__init__": "", "decide/matrix": "from ragft.world.facts import X\n"}.items():
        (root / f"{module}.py").parent.mkdir(parents=True, exist_ok=True)
        (root / f"{module}.py").write_text(source)
    assert violations(package_sources(root)) == [
        "ragft.world.facts -> ragft.decide.matrix: the world layer imports the decide layer above it"]


def test_a_module_outside_every_layer_is_named():
    with pytest.raises(ValueError, match="ragft.misc belongs to no layer"):
        violations({"ragft.misc": ""})


def test_an_entry_point_may_use_the_course_machinery():
    sources = package_sources(REPO_ROOT / "ragft")
    sources["ragft.make.world"] += "\nfrom ragft.course.hub import load_hub_model\n"
    assert violations(sources) == []
