"""The shape of src/: no import cycle (function-level imports included), small files and functions.

The allow-lists name every file and function still over the limits, each with the reason, so
the remaining debt stays visible; a new entry needs a reason, and a fixed one must leave the list.
"""

from __future__ import annotations

import ast
from pathlib import Path


SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "altresponse"
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 80  # body lines, docstring excluded (a numpydoc docstring is not code)

_OTHERS = "being refactored by another engineer this session (issue 12)"
FILE_ALLOW: dict[str, str] = {}
FUNCTION_ALLOW: dict[str, str] = {}


def _files() -> list[Path]:
    return sorted((SRC / PACKAGE).rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Our modules ``path`` imports anywhere (module level or inside functions), TYPE_CHECKING aside."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == PACKAGE)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == PACKAGE:
                subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules]
                out.update(subs if subs else [target])
                if subs and len(subs) < len(node.names):
                    out.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in out if m in modules and m != name}


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p) for p in _files()}
    return {_module_name(p): _imports(p, modules) for p in _files()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def dfs(node: str, stack: list[str]) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                dfs(nxt, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            dfs(node, [])
    return found


def test_no_import_cycle_including_function_level_imports():
    assert _cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    # The checker itself: a made-up graph with a cycle through a function-level import.
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]
    graph = _graph()
    assert "altresponse.plan.choose" in graph["altresponse.report.planning"] or "altresponse.plan" in graph["altresponse.report.planning"]
    assert not any(m.startswith("altresponse.plan") or m.startswith("altresponse.simulate") for m in graph["altresponse.analyze.planning"])


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]
    if not body:
        return 0
    return body[-1].end_lineno - body[0].lineno + 1


def _sizes():
    files, functions = {}, {}
    for path in _files():
        key = str(path.relative_to(SRC))
        text = path.read_text(encoding="utf-8")
        files[key] = text.count("\n")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[f"{key}:{node.name}"] = max(functions.get(f"{key}:{node.name}", 0), _body_lines(node))
    return files, functions


def test_no_file_over_the_limit_unless_listed():
    files, _ = _sizes()
    over = {k: n for k, n in files.items() if n > MAX_FILE_LINES}
    assert set(over) - set(FILE_ALLOW) == set(), over
    fixed = [k for k, why in FILE_ALLOW.items() if why != _OTHERS and files.get(k, 0) <= MAX_FILE_LINES]
    assert fixed == [], "fixed: take it off FILE_ALLOW"


def test_no_function_over_the_limit_unless_listed():
    _, functions = _sizes()
    over = {k: n for k, n in functions.items() if n > MAX_FUNCTION_LINES}
    assert set(over) - set(FUNCTION_ALLOW) == set(), over
    fixed = [k for k, why in FUNCTION_ALLOW.items() if not why.startswith(_OTHERS) and functions.get(k, 0) <= MAX_FUNCTION_LINES]
    assert fixed == [], "fixed: take it off FUNCTION_ALLOW"


def test_every_allowance_says_why():
    # a loop, not a parametrisation: with both lists empty (as now) a parametrised test is skipped
    for reason in set(FILE_ALLOW.values()) | set(FUNCTION_ALLOW.values()):
        assert len(reason) > 20, reason
