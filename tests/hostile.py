"""The hostile corpus: values that are legitimate data (stored verbatim, inert) and values every
text field refuses (schema/model.py max_length and the text rule in loader/items.py). Shared by
the API tests and the loader tests."""
from __future__ import annotations

from orggraph.schema import NODES, STRING, max_length

# Query-language fragments, quoting and odd Unicode are data: a name may say anything.
INERT = {
    "cypher-quote": "'}) DETACH DELETE n //",
    "cypher-dquote": '" RETURN 1 //',
    "cypher-backtick": "`n`) MATCH (m) DETACH DELETE m //",
    "cypher-param": "$param {id: $id} $0",
    "cypher-comment": "/* x */ MATCH (n) RETURN n; CALL db.labels()",
    "sql": "'; DROP TABLE units; --",
    "format": "{0} %s %(x)s ${x} {{x}}",
    "backslashes": "\\' \\\" \\\\ \\u0000 \\n",
    "markup": "<script>alert(1)</script> &amp; ]]>",
    "unicode": "Åse Ødegård – 🙂 \u202e\u200b ﬁ 中文 ﷽",
    "whitespace": "  tab\there\nline two\r\n ",
}
# Each refused with a message containing the second item. (An unpaired surrogate is refused
# before any field is looked at: see test_hostile_input.py and test_loader_fuzz.py.)
REFUSED = {
    "nul": ("a\x00b", "control character U+0000 at character 2"),
    "bell": ("bell\x07", "control character U+0007"),
    "escape": ("\x1b[31mred", "control character U+001B at character 1"),
    "delete": ("x\x7f", "control character U+007F"),
    "c1": ("Ã\x85se", "control character U+0085"),
    "half-megabyte": ("y" * 500_000, "is 500000 characters long;"),
}


def inert(field: str) -> dict[str, str]:
    """The inert values for one property, with the longest text it takes (4 bytes a character)."""
    return {**INERT, "at-limit": "\U0001f642" * max_length(field)}


def refused(field: str) -> dict[str, tuple[str, str]]:
    """The refused values for one property, with one character too many."""
    limit = max_length(field)
    return {**REFUSED, "over-limit": ("x" * (limit + 1), f"{field} is limited to {limit} characters")}


def text_fields(node) -> list[str]:
    """Every text property a client or a file may set on a node type."""
    return [p.name for p in node.all_props if p.type == STRING and p.name != "dataset"]


def corpus_size() -> tuple[int, int, int]:
    """(values, node text fields, value × field cases)."""
    fields = sum(len(text_fields(n)) for n in NODES)
    values = len(inert("name")) + len(refused("name"))
    return values, fields, values * fields
