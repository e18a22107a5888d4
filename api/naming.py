"""GraphQL names derived from the schema model: camelCase fields, one field per relationship direction.

The model names a relationship's reverse direction only where the YAML input
has an inline key for it (`reverse_key`). The API needs a name for every
reverse direction; `REVERSE_NAMES` supplies readable ones for the rest and
anything new falls back to `<key>Inverse`, so the API never lags the model.
"""
from __future__ import annotations

from orggraph.schema.model import NODE_BY_LABEL, RelType

# Reverse field names for relationships whose model has no reverse_key.
REVERSE_NAMES = {
    "BELONGS_TO": "includes",
    "HEADS": "headedBy",
    "REPORTS_TO": "reportsFrom",
    "BASED_AT": "basedHere",
    "LOCATED_IN": "sites",
    "COVERS": "coveredBy",
    "ESTABLISHES": "establishedBy",
    "DELIVERS": "deliveredBy",
    "FUNDS": "fundedBy",
    "MADE_BY": "decisionsMade",
    "CONCERNS": "decisionsAbout",
    "HAS_PREDECESSOR": "endedBy",
    "HAS_SUCCESSOR": "begunBy",
}

OUT, IN = "out", "in"


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def pascal(name: str) -> str:
    return camel(name)[:1].upper() + camel(name)[1:]


def rel_field(rel: RelType, direction: str) -> str:
    """The field on a node that follows `rel` out of it (OUT) or into it (IN)."""
    if direction == OUT:
        return camel(rel.key)
    if rel.reverse_key:
        return camel(rel.reverse_key)
    return REVERSE_NAMES.get(rel.name) or camel(rel.key) + "Inverse"


def edge_type_name(rel: RelType, direction: str) -> str:
    field = rel_field(rel, direction)
    return field[:1].upper() + field[1:] + "Edge"


def plural(label: str) -> str:
    """Root list field for a node type: its YAML section, camelCased (meetingPlaces, changes)."""
    return camel(NODE_BY_LABEL[label].section)
