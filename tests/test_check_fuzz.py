"""Issue 15, "Done means" (config half): mutated shipped program and adapter files through
`altresponse check` keep the contract: no traceback, exit 0/1/2 (3 only when the file cannot
be read), and every output line names the file (``FILE line N, key: message``).

Mutations: byte flips, line deletions, duplicated lines, a value replaced by another type
(list, mapping, null, huge number, impossible date, unicode, a number where text goes),
alias insertion (self-reference and a bomb), deep nesting. Bounded: 200 examples, fixed seed.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from altresponse.cli import app

REPO = Path(__file__).resolve().parents[1]
FILES = sorted((REPO / "programs").glob("*.yaml")) + [
    REPO / "src" / "altresponse" / "adapters" / name for name in ("durham.yaml", "portland.yaml", "burlington.yaml")
] + [REPO / "src" / "altresponse" / "typemaps" / "durham.yaml"]
TEXTS = {p.name: p.read_bytes() for p in FILES}

VALUES = [
    "{a: 1}", "[1, 2]", "null", "~", "1e309", "-5", "99999999999999999999999", "true", "2022-06-31", "415",
    '"x"', "[]", "{}", "é✓", "!!python/object:os.system x", "&r [*r]", "*nowhere", "'unclosed", "[" * 300 + "]" * 300,
    "&a [1,1,1,1,1,1,1,1,1,1]", "1.10", "\t", "? [k]\n  : 1", "'[/x] [bold]'",
]
BOMB = "".join(
    f"b{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * 10) + "]\n" if i else "b0: &b0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
    for i in range(9)
)


def mutate(raw: bytes, ops) -> bytes:
    lines = raw.split(b"\n")
    for op, where, pick in ops:
        i = int(where * (len(lines) - 1)) if lines else 0
        if op == "flip" and raw:
            data = bytearray(b"\n".join(lines))
            data[int(where * (len(data) - 1))] = pick % 256
            lines = bytes(data).split(b"\n")
        elif op == "delete" and lines:
            del lines[i : i + 1 + pick % 3]
        elif op == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif op == "retype" and lines and b": " in lines[i]:
            head = lines[i].split(b": ", 1)[0]
            lines[i] = head + b": " + VALUES[pick % len(VALUES)].encode()
        elif op == "alias":
            lines = BOMB.encode().split(b"\n") + lines if pick % 2 else [b"loop: &l [*l]", *lines]
        elif op == "nest" and lines and b": " in lines[i]:
            depth = 1 + pick * 7 % 200
            lines[i] = lines[i].split(b": ", 1)[0] + b": " + b"[" * depth + b"x" + b"]" * depth
        elif op == "item" and lines and lines[i].lstrip().startswith(b"- "):
            lines[i] = lines[i].split(b"- ", 1)[0] + b"- {k: [1]}"
    return b"\n".join(lines)


OPS = st.tuples(
    st.sampled_from(["flip", "delete", "duplicate", "retype", "alias", "nest", "item"]),
    st.floats(0, 1),
    st.integers(0, 10_000),
)


@seed(20261130)
@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(TEXTS)), ops=st.lists(OPS, min_size=1, max_size=4))
def test_item15_property_mutated_configs_keep_the_contract(tmp_path, name, ops):
    path = tmp_path / name
    path.write_bytes(mutate(TEXTS[name], ops))
    res = CliRunner().invoke(app, ["check", str(path)])
    out = res.output.strip()
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in out and "internal failure" not in out, out
    assert res.exit_code in (0, 1, 2), (res.exit_code, out)
    assert out, "no output"
    for line in out.splitlines():
        assert line.removeprefix("error: ").startswith(str(path)), line
