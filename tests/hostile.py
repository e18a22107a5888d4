"""The hostile corpus: values that are legitimate data (stored verbatim, inert) and values every
text field refuses (schema/model.py MAX_TEXT and the text rule in loader/items.py). Shared by the
API tests and the loader tests."""
from __future__ import annotations

from orggraph.schema import MAX_TEXT, NODES, STRING

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
    "at-limit": "ø" * MAX_TEXT,
}
# Each refused with a message containing the second item. (An unpaired surrogate is refused
# before any field is looked at: see test_hostile_input.py and test_loader_fuzz.py.)
REFUSED = {
    "nul": ("a\x00b", "control character U+0000 at character 2"),
    "bell": ("bell\x07", "control character U+0007"),
    "escape": ("\x1b[31mred", "control character U+001B at character 1"),
    "delete": ("x\x7f", "control character U+007F"),
    "c1": ("Ã\x85se", "control character U+0085"),
    "over-limit": ("x" * (MAX_TEXT + 1), f"text is limited to {MAX_TEXT} characters"),
    "half-megabyte": ("y" * 500_000, f"is 500000 characters long; text is limited to {MAX_TEXT}"),
}


def text_fields(node) -> list[str]:
    """Every text property a client or a file may set on a node type."""
    return [p.name for p in node.all_props if p.type == STRING and p.name != "dataset"]


def corpus_size() -> tuple[int, int, int]:
    """(values, node text fields, value × field cases)."""
    fields = sum(len(text_fields(n)) for n in NODES)
    values = len(INERT) + len(REFUSED)
    return values, fields, values * fields
