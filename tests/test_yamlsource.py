"""The libyaml fast path reads YAML exactly as PyYAML does: same values, same lines.

Mutated copies of the repository's YAML files go through both parsers; wherever the fast path
is taken and libyaml accepts the text, PyYAML must accept it too and build the same tree.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from orggraph.loader import yamlsource as ys

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for p in [*ROOT.glob("tests/data/**/*.yaml"), *ROOT.glob("data/**/*.yaml")]
               if p.stat().st_size)
PIECES = list(":- #'\"\n[]{},&*!|>%@`\\.0123456789aZæ\u0085\u2028\x01\x7f\ufeff\r") + [
    "\\ud800", "2017-06-31", "- ", ": ", "\n  ", "!!str ", "<<: *a", "&a ", "\t", "?"]


def tree(value):
    if isinstance(value, ys.Mapping):
        return ("map", value.line, sorted(value.key_lines.items()),
                [(repr(k), tree(v)) for k, v in value.items()])
    if isinstance(value, ys.Sequence):
        return ("seq", value.line, value.item_lines, [tree(v) for v in value])
    return (type(value).__name__, repr(value))


def parsed(text: str, loader) -> tuple:
    try:
        return ("ok", tree(yaml.load(text, Loader=loader)))
    except Exception as exc:  # noqa: BLE001 - only whether it failed is compared
        return ("error", type(exc).__name__)


def mutated(rng: random.Random, text: str) -> str:
    if len(text) > 3000:
        start = rng.randrange(len(text) - 2000)
        text = text[start:start + 2000]
    chars = list(text)
    for _ in range(rng.randint(0, 4)):
        at = rng.randrange(len(chars) + 1)
        if rng.random() < 0.5 or not chars:
            chars.insert(at, rng.choice(PIECES))
        else:
            chars[min(at, len(chars) - 1)] = rng.choice(PIECES)
    return "".join(chars)


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML without libyaml")
def test_fast_path_reads_as_pyyaml_does():
    assert FILES
    rng = random.Random(7)
    texts = [p.read_text(encoding="utf-8") for p in FILES]
    fast_taken = 0
    for _ in range(1500):
        text = mutated(rng, rng.choice(texts))
        if ys.LIBYAML_DIFFERS.search(text):
            continue
        fast = parsed(text, ys._FastLoader)
        if fast[0] == "ok":  # an error falls back to PyYAML, which decides
            fast_taken += 1
            assert fast == parsed(text, ys._Loader), text
    assert fast_taken > 100


@pytest.mark.parametrize("text, line, words", [
    ('source: s\nunits:\n  - {id: u1, name: "Enhet, kind: unit}\n  - {id: u2, name: U2, kind: unit}\n\n',
     3, "found unexpected end of stream while scanning a quoted scalar that starts here"),
    ("source: s\nunits:\n  - {id: u1, name: En, kind: unit\n  - id: u2\n",
     4, "(while parsing a flow mapping that starts on line 3)"),
])
def test_a_syntax_error_says_what_was_read_and_where_it_started(tmp_path, text, line, words):
    """A quote never closed is found at the end of the file; it is reported where it opens."""
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    _, [problem] = ys.read_yaml(path, "q.yaml")
    assert problem.where.line == line and words in problem.message
