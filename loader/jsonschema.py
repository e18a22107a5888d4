"""JSON Schema for the loader's YAML format, generated from the one schema."""
from __future__ import annotations

from typing import Any

from orggraph.schema import (BOOL, DATE, FLOAT, ID_PATTERN, INT, NODES, RELS, STRING, Prop,
                             max_length, rels_from, rels_into)

from .items import LOADER_SET

_TYPES = {STRING: {"type": "string"}, INT: {"type": "integer"}, FLOAT: {"type": "number"},
          DATE: {"type": "string", "format": "date"}, BOOL: {"type": "boolean"}}


def _prop(prop: Prop) -> dict[str, Any]:
    out: dict[str, Any] = dict(_TYPES[prop.type])
    if prop.type == STRING and not prop.choices:
        out["maxLength"] = max_length(prop.name)
    if prop.choices:
        out["enum"] = list(prop.choices)
    if prop.name == "id":
        out["pattern"] = ID_PATTERN
    elif prop.pattern:
        out["pattern"] = prop.pattern
    if prop.minimum is not None:
        out["minimum"] = prop.minimum
    if prop.maximum is not None:
        out["maximum"] = prop.maximum
    if prop.doc:
        out["description"] = prop.doc
    return out


def _link(rel, props) -> dict[str, Any]:
    """An inline relationship: an id, a mapping with `id` and properties, or a list of either."""
    mapping = {"type": "object", "required": ["id"] + [p.name for p in props if p.required and p.name != "source"],
               "additionalProperties": False,
               "properties": {"id": {"type": "string", "description": "the other end"},
                              **{p.name: _prop(p) for p in props}}}
    one = {"oneOf": [{"type": "string"}, mapping]}
    return {"description": rel.doc, "oneOf": [one, {"type": "array", "items": one}]}


def build() -> dict[str, Any]:
    definitions: dict[str, Any] = {}
    sections: dict[str, Any] = {}
    for node in NODES:
        props = {p.name: _prop(p) for p in node.all_props if p.name not in LOADER_SET}
        for rel in rels_from(node.label):
            props[rel.key] = _link(rel, [p for p in rel.all_props if p.name not in LOADER_SET])
        for rel in rels_into(node.label):
            props[rel.reverse_key] = _link(rel, [p for p in rel.all_props if p.name not in LOADER_SET])
        definitions[node.label] = {
            "type": "object", "description": node.doc, "additionalProperties": False,
            "required": [p.name for p in node.all_props if p.required and p.name != "source"],
            "properties": props}
        sections[node.section] = {"type": "array", "items": {"$ref": f"#/$defs/{node.label}"}}
    rel_props: dict[str, Any] = {}
    for rel in RELS:
        for prop in rel.all_props:
            if prop.name not in LOADER_SET:
                rel_props.setdefault(prop.name, _prop(prop))
    sections["relationships"] = {"type": "array", "items": {
        "type": "object", "required": ["type", "from", "to"], "additionalProperties": False,
        "properties": {"type": {"enum": [r.name for r in RELS]}, "from": {"type": "string"},
                       "to": {"type": "string"}, **rel_props}}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://orggraph.example/schema/orggraph.schema.json",
        "title": "orggraph input file",
        "description": "One YAML file of organisations, units, posts, persons, meeting places, "
                       "agreements, decisions and changes. `source` on the file is the default for "
                       "every fact in it.",
        "type": "object", "additionalProperties": False,
        "properties": {"dataset": {"type": "string"}, "source": {"type": "string"},
                       "description": {"type": "string"}, **sections},
        "$defs": definitions,
    }
