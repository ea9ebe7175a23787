"""The package's imports follow the data: request -> capture -> extraction -> corpus, and what sits
above. A module may import the neutral modules, its own layer and the layers below it, never one
after it. Imports made for type checkers only (under `if TYPE_CHECKING:`) are not dependencies."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import harvester

PACKAGE = Path(harvester.__file__).parent

# Each layer and the layers it may use. A page flows fetch -> capture -> extraction -> corpus, but
# capture and extraction know nothing of each other: the corpus joins them (its conversion records
# go into the captures). The crawl state is settled once the corpus has decided; the report sums
# up everything; rebuilds and the distributed mode are made of the layers below; spiders and
# commands put it all together.
DEPENDS: dict[str, set[str]] = {"profiles": set(), "fetch": {"profiles"}}
DEPENDS["capture"] = {"fetch", *DEPENDS["fetch"]}
DEPENDS["extraction"] = {"fetch", *DEPENDS["fetch"]}
DEPENDS["corpus"] = {"capture", "extraction", *DEPENDS["capture"], *DEPENDS["extraction"]}
for _layer, _below in (("state", "corpus"), ("report", "state"), ("rebuild", "report"), ("distributed", "rebuild"),
                       ("spiders", "distributed"), ("commands", "spiders")):
    DEPENDS[_layer] = {_below, *DEPENDS[_below]}
LAYERS = tuple(DEPENDS)
# Modules every layer may use, which import no layer themselves.
NEUTRAL = ("__init__", "files", "signals", "awaitable", "output", "items", "exitcodes", "memory", "scheduling")
# Top-level modules that wire everything, as commands do.
TOP = ("cli", "settings")
# The site replica is a program of its own beside the crawler: it may read the profiles, and only
# commands may start it.
REPLICA = "replica"
PLACED = {*LAYERS, *NEUTRAL, *TOP, REPLICA}


def layer_of(module: str) -> str:
    """'harvester.capture.writer' -> 'capture'; 'harvester.files' -> 'files'; 'harvester.__version__'
    (a name of the package itself) -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in PLACED else "__init__"


def may_import(own: str, other: str) -> bool:
    if other == own or other in NEUTRAL:
        return True
    if own == REPLICA:
        return other == "profiles"
    if other == REPLICA:
        return own in ("commands", *TOP)
    if own in NEUTRAL:
        return False
    if own in TOP:
        return True
    return other in DEPENDS[own]


def imports(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, module) of every harvester import, but those under `if TYPE_CHECKING:`."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "harvester":
                found.extend((node.lineno, f"harvester.{alias.name}") for alias in node.names)
            elif node.module.startswith("harvester."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names if alias.name.startswith("harvester."))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def upward_imports(module: str, source: str) -> list[str]:
    """The imports of `module` (its source given) that go against the layers, as readable lines."""
    own = layer_of(module)
    return [
        f"{module}:{line} imports {target} ({own} may not import {layer_of(target)})"
        for line, target in imports(ast.parse(source))
        if not may_import(own, layer_of(target))
    ]


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append((name, path))
    return found


def test_every_package_is_placed() -> None:
    assert {name.split(".")[1] for name, _ in modules() if "." in name} <= PLACED


@pytest.mark.parametrize(("module", "path"), modules(), ids=[name for name, _ in modules()])
def test_imports_follow_the_layers(module: str, path: Path) -> None:
    assert upward_imports(module, path.read_text("utf-8")) == []


@pytest.mark.parametrize(
    ("module", "source", "wrong"),
    [
        ("harvester.capture.writer", "from harvester.corpus.manifest import Entry", True),
        ("harvester.extraction.page", "import harvester.capture.reader", True),
        ("harvester.fetch.errors", "from harvester import extraction", True),
        ("harvester.files", "from harvester.capture.records import WarcRef", True),
        ("harvester.corpus.conversion", "from harvester.capture.middleware import CaptureMiddleware", False),
        ("harvester.items", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from harvester.corpus.manifest import Entry", False),
        ("harvester.capture.writer", "from harvester.replica.sites import all_sites", True),
        ("harvester.replica.sites.mofa", "from harvester.profiles.mofa import MOFA_EN", False),
    ],
)
def test_the_check_tells_an_upward_import(module: str, source: str, wrong: bool) -> None:
    assert bool(upward_imports(module, source)) is wrong


# The distributed mode is a choice of components in settings: only the distributed package, the
# commands and the settings know of it.
KNOWS_DISTRIBUTED = ("distributed", "commands", "settings")
_DISTRIBUTED_WORDS = ("REDIS_URL", "DISTRIBUTED_", "worker_id")


def mentions_of_distributed(module: str, source: str) -> list[str]:
    tree = ast.parse(source)
    found = [f"{module}:{line} imports {target}" for line, target in imports(tree) if layer_of(target) == "distributed"]
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_docstring(node, tree):
            continue
        text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
        text = text or (node.id if isinstance(node, ast.Name) else None) or (node.attr if isinstance(node, ast.Attribute) else None)
        if text and any(word in text for word in _DISTRIBUTED_WORDS):
            found.append(f"{module}:{node.lineno} names {text!r}")  # type: ignore[attr-defined]
    return found


def _is_docstring(node: ast.Constant, tree: ast.Module) -> bool:
    for owner in ast.walk(tree):
        if isinstance(owner, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and owner.body:
            first = owner.body[0]
            if isinstance(first, ast.Expr) and first.value is node:
                return True
    return False


@pytest.mark.parametrize(
    ("module", "path"),
    [(name, path) for name, path in modules() if layer_of(name) not in KNOWS_DISTRIBUTED],
    ids=[name for name, _ in modules() if layer_of(name) not in KNOWS_DISTRIBUTED],
)
def test_only_the_distributed_package_knows_the_mode(module: str, path: Path) -> None:
    assert mentions_of_distributed(module, path.read_text("utf-8")) == []
