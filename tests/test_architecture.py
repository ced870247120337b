"""The architecture contract of the package, checked on its source (AST, no imports):

* only ``polyrelu/exact/`` imports pycddlib (``cdd``) and float solvers (scipy, highspy);
* no module uses another module's private (underscore) names: ``from m import _x``,
  ``m._x`` for an imported module ``m``, or ``obj._x`` where no ``_x`` is defined in the
  module itself;
* the verifier imports nothing but the rational type, exact linear algebra, file
  formats, the network evaluator, the errors and itself;
* nothing imports ``polyrelu.cli`` (but the CLI and ``python -m polyrelu``);
* there are no import cycles between polyrelu modules, counting imports inside
  functions and the package ``__init__`` that importing a submodule runs;
* the library never prints and never exits (only the CLI does).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "polyrelu"
VERIFIER_MAY_IMPORT = {"polyrelu.exact.rational", "polyrelu.exact.linalg", "polyrelu.io.formats", "polyrelu.nets.network",
                       "polyrelu.errors"}
FLOAT_AND_CDD = {"cdd", "scipy", "highspy"}
#: scipy's sparse graph algorithms (connected components on integer index arrays) decide
#: nothing numerical, so they may be used anywhere; its solvers may not
GRAPH_ONLY = ("scipy.sparse",)


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    imports: list[tuple[str, int]] = field(default_factory=list)  # (module, line), absolute names
    from_names: list[tuple[str, str, int]] = field(default_factory=list)  # (module, imported name, line)

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"


def _name_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _load() -> dict[str, Module]:
    mods = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _name_of(path)
        mods[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    for m in mods.values():
        base = m.name if m.is_package else m.name.rpartition(".")[0]
        for node in ast.walk(m.tree):
            if isinstance(node, ast.Import):
                m.imports += [(a.name, node.lineno) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    pkg = base.split(".")
                    pkg = pkg[: len(pkg) - (node.level - 1)]
                    target = ".".join(pkg + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                m.imports.append((target, node.lineno))
                for a in node.names:
                    m.from_names.append((target, a.name, node.lineno))
                    if f"{target}.{a.name}" in mods:  # from pkg import submodule
                        m.imports.append((f"{target}.{a.name}", node.lineno))
    return mods


MODULES = _load()


def _top(name: str) -> str:
    return name.split(".")[0]


def _where(m: Module, line: int) -> str:
    return f"{m.path.relative_to(PACKAGE.parent)}:{line}"


def test_the_contract_sees_the_package():
    assert {"polyrelu", "polyrelu.verify", "polyrelu.exact.cddlib", "polyrelu.cli"} <= set(MODULES)
    assert any(t == "cdd" for t, _ in MODULES["polyrelu.exact.cddlib"].imports)


def test_only_the_exact_layer_imports_cddlib_and_float_solvers():
    bad = [f"{_where(m, line)} imports {t}" for m in MODULES.values() for t, line in m.imports
           if _top(t) in FLOAT_AND_CDD and not t.startswith(GRAPH_ONLY) and not m.name.startswith("polyrelu.exact.")]
    assert bad == [], "\n".join(bad)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _defined_private_names(m: Module) -> set[str]:
    """Private names this module defines: functions, classes, assignments, attributes
    assigned on any object, slots, and keyword/attribute names of its own dataclasses."""
    out: set[str] = set()
    for node in ast.walk(m.tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            out.add(node.attr)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.add(node.target.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _private(node.value):
            out.add(node.value)  # __slots__ entries, setattr/getattr names
        elif isinstance(node, ast.arg):
            out.add(node.arg)
    return {n for n in out if _private(n)}


def test_no_module_uses_another_modules_private_names():
    bad = []
    for m in MODULES.values():
        own = _defined_private_names(m)
        module_aliases: dict[str, str] = {}
        foreign: set[str] = set()  # other libraries' modules (os._exit is os's business, not ours)
        for node in ast.walk(m.tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if _top(a.name) == "polyrelu":
                        module_aliases[a.asname or a.name] = a.name
                    else:
                        foreign.add(a.asname or a.name.split(".")[0])
        for target, name, line in m.from_names:
            if target in MODULES and f"{target}.{name}" in MODULES:
                alias = name
                module_aliases[alias] = f"{target}.{name}"
            if _top(target) == "polyrelu" and _private(name) and f"{target}.{name}" not in MODULES:
                bad.append(f"{_where(m, line)}: from {target} import {name}")
        for node in ast.walk(m.tree):
            if isinstance(node, ast.Attribute) and _private(node.attr):
                if isinstance(node.value, ast.Name) and node.value.id in module_aliases:
                    bad.append(f"{_where(m, node.lineno)}: {node.value.id}.{node.attr} (private name of {module_aliases[node.value.id]})")
                elif node.attr not in own and not (isinstance(node.value, ast.Name) and node.value.id in foreign):
                    bad.append(f"{_where(m, node.lineno)}: .{node.attr} is not defined in {m.name}")
    assert bad == [], "\n".join(bad)


def test_the_verifier_imports_no_engine_code():
    bad = []
    for m in MODULES.values():
        if not (m.name == "polyrelu.verify" or m.name.startswith("polyrelu.verify.")):
            continue
        for t, line in m.imports:
            if _top(t) == "polyrelu" and t not in VERIFIER_MAY_IMPORT and not t.startswith("polyrelu.verify") \
                    and t not in ("polyrelu.exact", "polyrelu.io", "polyrelu.nets", "polyrelu"):
                bad.append(f"{_where(m, line)} imports {t}")
            elif _top(t) not in ("polyrelu", "__future__", "typing", "dataclasses", "itertools", "math", "re", "gmpy2", "collections"):
                bad.append(f"{_where(m, line)} imports {t}")
    assert bad == [], "\n".join(bad)


def test_nothing_imports_the_cli():
    bad = [f"{_where(m, line)} imports {t}" for m in MODULES.values() for t, line in m.imports
           if (t == "polyrelu.cli" or t.startswith("polyrelu.cli.")) and not (m.name.startswith("polyrelu.cli") or m.name == "polyrelu.__main__")]
    assert bad == [], "\n".join(bad)


def _graph() -> dict[str, set[str]]:
    """module -> polyrelu modules it runs on import or later (its own imports, function
    level too, and for each imported submodule the packages above it)."""
    g: dict[str, set[str]] = {name: set() for name in MODULES}
    for m in MODULES.values():
        for t, _ in m.imports:
            if _top(t) != "polyrelu":
                continue
            parts = t.split(".")
            for k in range(2, len(parts) + 1):  # the packages on the way, then the module itself
                target = ".".join(parts[:k])
                if target in MODULES and target != m.name and not m.name.startswith(target + "."):
                    g[m.name].add(target)
    return g


def _cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_cycle_detection_works():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


@pytest.mark.parametrize("call", ["print", "exit", "quit"])
def test_the_library_never_prints_or_exits(call):
    bad = []
    for m in MODULES.values():
        if m.name.startswith("polyrelu.cli") or m.name == "polyrelu.__main__":
            continue
        for node in ast.walk(m.tree):
            if isinstance(node, ast.Call):
                f = node.func
                if (isinstance(f, ast.Name) and f.id == call) or (isinstance(f, ast.Attribute) and f.attr == call
                                                                 and isinstance(f.value, ast.Name) and f.value.id == "sys"):
                    bad.append(_where(m, node.lineno))
    assert bad == [], "\n".join(bad)
