"""The GraphQL schema is generated from schema/model.py; the pure-Python pieces behave."""
from __future__ import annotations

from graphql import build_schema

import pytest

from orggraph.api import sdl
from orggraph.api.collation import fold, sort_key
from orggraph.api.errors import BadInput
from orggraph.api.filters import FILTERS, WHERE, StringFilter, compile_where
from orggraph.api.naming import IN, OUT, rel_field
from orggraph.api.pagination import decode, encode, paginate
from orggraph.schema.model import NODES, RELS


def test_every_node_type_and_public_property_is_in_the_sdl():
    text = sdl()
    for node in NODES:
        assert f"type {node.label} implements Node" in text
    assert "meetingsPerYear: Float" in text and "kommunenummer: String" in text
    assert "date: Date!" in text  # ChangeEvent.date is a required date


def test_private_properties_are_nullable_and_say_who_may_see_them():
    text = sdl()
    person = text[text.index("type Person implements Node"):]
    person = person[:person.index("\n}")]
    for name in ("email", "phone", "notes"):
        assert f"  {name}: String\n" in person
    assert person.count("personal data: only for authenticated readers") == 3
    assert "name: String!" in person


def test_every_stated_default_is_the_real_one():
    """An argument whose description names its default (`first`: "default 50") has that default."""
    import re

    from graphql import GraphQLObjectType

    from orggraph.api.schema import get_schema
    checked = 0
    for type_ in get_schema()._schema.type_map.values():
        for name, field in type_.fields.items() if isinstance(type_, GraphQLObjectType) else ():
            for arg_name, arg in field.args.items():
                stated = re.search(r"default (\d+)", arg.description or "")
                if stated:
                    assert int(stated.group(1)) == arg.default_value, (type_.name, name, arg_name, arg.description)
                    checked += 1
    assert checked > 20


def test_every_relationship_has_a_field_each_way():
    text = sdl()
    types = build_schema(text).type_map
    for rel in RELS:
        for direction, labels in ((OUT, rel.sources), (IN, rel.targets)):
            for label in labels:
                fields = types[label].fields
                name = rel_field(rel, direction)
                assert str(fields[name].type).startswith("[") and set(fields[name].args) == {"where"}
                paged = fields[name + "Connection"]
                assert set(paged.args) == {"where", "orderBy", "first", "after"}
                assert {"edges", "pageInfo", "totalCount"} <= set(types[str(paged.type).rstrip("!")].fields)
    for label, field, edge in (("Unit", "partOf", "PartOfEdge"), ("Unit", "hasParts", "HasPartsEdge"),
                               ("Person", "holds", "HoldsEdge"), ("Post", "holders", "HoldersEdge")):
        assert str(types[label].fields[field].type) == f"[{edge}!]!"
    holders = text[text.index("type HoldersEdge"):]
    assert "capacity: String" in holders[:holders.index("\n}")] and "node: Person!" in holders


def test_norwegian_order_and_accent_blind_folding():
    names = ["Åse", "Zorro", "Ødegård", "Ærlig", "Élise", "ola"]
    assert sorted(names, key=sort_key) == ["Élise", "ola", "Zorro", "Ærlig", "Ødegård", "Åse"]
    assert fold("Åse  ØDEGÅRD") == "ase odegard" and fold("Æsebø") == "aesebo"


def test_filters_compile_to_parameters_only():
    W = WHERE["Unit"]
    where = W(name=StringFilter(starts_with="H", in_=["a", "b"]),
              or_=[W(fte=FILTERS["float"](gte=1.5)), W(not_=W(kind=StringFilter(eq="x' OR true //")))])
    cypher, params = compile_where("Unit", where)
    assert "x'" not in cypher and "OR true" not in cypher
    assert params == {"w0": ["a", "b"], "w1": "H", "w2": 1.5, "w3": "x' OR true //"}
    assert cypher == ("(n.name IN $w0 AND n.name STARTS WITH $w1 AND "
                      "((n.fte >= $w2) OR (NOT coalesce((n.kind = $w3), false))))")
    assert compile_where("Unit", None) == ("true", {})
    assert compile_where("Unit", W()) == ("true", {})


def test_cursors_and_page_bounds():
    items = [f"id{i}" for i in range(7)]
    page = paginate(items, str, 3, None)
    assert page.nodes == ["id0", "id1", "id2"] and page.total_count == 7
    assert decode(page.page_info.end_cursor) == "id2"
    assert paginate(items, str, 3, encode("id5")).nodes == ["id6"]
    for bad in (-1, 501):
        with pytest.raises(BadInput):
            paginate(items, str, bad, None)
    with pytest.raises(BadInput):
        paginate(items, str, 3, "not a cursor")
