"""The root Mutation type, generated from schema/model.py like the rest of the API.

For every node type (here `Unit`):

* `createUnit(input: CreateUnitInput!): Unit`: every property; required ones non-null;
* `updateUnit(input: UpdateUnitInput!): Unit`: the id, a source, and the properties to
  change (an omitted field stays as it is, `null` clears it);
* `endUnit(input: EndInput!): Unit`: closes the period (sets validTo, the last day);
  with `cascade` (default true) also the node's relationships open on that day.

For relationships, identified by type, from, to and validFrom:

* `addRelationship(input: AddRelationshipInput!): Relationship`
* `endRelationship(input: EndRelationshipInput!): Relationship`
* `deleteRelationship(input: DeleteRelationshipInput!): Relationship`: only one the API wrote

Every mutation needs the editor role, runs in one transaction, is checked by the
loader's rules (see writes.py), gives what it writes `source` from the input and
dataset "api", and is recorded in the audit log after it commits.

The results are nullable: the root fields of one document run one after another, each in its
own transaction, so a refused write must not null the answers of writes that committed before it
(a non-null field's error nulls the whole `data`). A refused write answers null with its errors.
"""
import datetime as dt
import enum
from functools import partial
from typing import Any, Optional

import strawberry
from strawberry.types import Info
from strawberry.types.unset import UNSET

from orggraph.loader.items import LOADER_SET
from orggraph.schema.model import NODES, REL_COMMON, RELS, NodeType, Prop

from . import writes
from .auth import require_editor
from .naming import camel
from .types import NODE_TYPES, SCALARS, build_node, public

ID_FIELDS = ("id", "source")


def _doc(prop: Prop) -> Optional[str]:
    doc = prop.doc or None
    if prop.choices:
        doc = ((doc + "; ") if doc else "") + "one of: " + ", ".join(prop.choices)
    return doc


def _scalar(prop: Prop) -> Any:
    return strawberry.ID if prop.name == "id" else SCALARS[prop.type]


def _input(name: str, doc: str, required: list[Prop], optional: list[Prop], extra: dict | None = None
           ) -> type:
    ns: dict[str, Any] = {"__annotations__": {}, "__module__": __name__}
    for attr, (annotation, field) in (extra or {}).items():
        ns["__annotations__"][attr] = annotation
        ns[attr] = field
    for prop in required:
        ns["__annotations__"][prop.name] = _scalar(prop)
        ns[prop.name] = strawberry.field(name=camel(prop.name), description=_doc(prop))
    for prop in optional:
        ns["__annotations__"][prop.name] = Optional[_scalar(prop)]
        ns[prop.name] = strawberry.field(default=UNSET, name=camel(prop.name), description=_doc(prop))
    return strawberry.input(type(name, (), ns), name=name, description=doc)


def _writable(node: NodeType) -> list[Prop]:
    return [p for p in node.all_props if p.name not in LOADER_SET]


def create_input(node: NodeType) -> type:
    props = _writable(node)
    return _input(f"Create{node.label}Input", f"A new {node.label}; `source` names the document "
                  "the fact comes from.", [p for p in props if p.required],
                  [p for p in props if not p.required])


def update_input(node: NodeType) -> type:
    props = _writable(node)
    return _input(f"Update{node.label}Input", f"Changes to a {node.label}: omitted fields stay, "
                  "null clears a field; `source` is the document that says so.",
                  [p for p in props if p.name in ID_FIELDS], [p for p in props if p.name not in ID_FIELDS])


@strawberry.input(description="Close a node's period: validTo is its last day. History is kept: "
                              "nothing is deleted.")
class EndInput:
    id: strawberry.ID
    valid_to: dt.date = strawberry.field(description="the last day the node exists")
    source: str = strawberry.field(description="the document that says it ended")
    cascade: bool = strawberry.field(default=True, description="also end the node's relationships "
                                     "that are open on that day (the default)")


RelationshipType = strawberry.enum(
    enum.Enum("RelationshipType", {r.name: r.name for r in RELS}),  # type: ignore[misc]
    name="RelationshipType", description="; ".join(f"{r.name}: {r.doc}" for r in RELS))


def _rel_props() -> list[Prop]:
    """The relationship types' own properties, merged by name (a name has one type everywhere)."""
    merged: dict[str, Prop] = {}
    users: dict[str, list[str]] = {}
    for rel in RELS:
        for prop in rel.props:
            seen = merged.setdefault(prop.name, prop)
            assert seen.type == prop.type, f"{prop.name} has two types; split the relationship inputs"
            doc = _doc(prop)
            users.setdefault(prop.name, []).append(rel.name + (f" ({doc})" if doc else ""))
    return [Prop(name, p.type, False, (), p.private, "for " + "; ".join(users[name]))
            for name, p in merged.items()]


REL_PROPS = _rel_props()
_PERIOD = [p for p in REL_COMMON if p.name in ("valid_from", "valid_to")]
_SOURCE = next(p for p in REL_COMMON if p.name == "source")
_ENDS = {
    "type": (RelationshipType, strawberry.field(description="the relationship type")),
    "from_": (strawberry.ID, strawberry.field(name="from", description="id of the node it leaves")),
    "to": (strawberry.ID, strawberry.field(description="id of the node it points at")),
}

AddRelationshipInput = _input(
    "AddRelationshipInput", "A new relationship. Properties the type does not have are refused.",
    [_SOURCE], _PERIOD + REL_PROPS, extra=_ENDS)


@strawberry.input(description="A stored relationship: type, from, to and validFrom (null: the one "
                              "without a start date).")
class RelationshipKey:  # not in the schema itself: the inputs below extend it
    type: RelationshipType  # type: ignore[valid-type]
    from_: strawberry.ID = strawberry.field(name="from")
    to: strawberry.ID
    valid_from: Optional[dt.date] = strawberry.field(default=None, description="its start, as stored")


@strawberry.input(description="Close a relationship's period. It is identified by type, from, to "
                              "and validFrom (null: the one without a start date).")
class EndRelationshipInput(RelationshipKey):
    valid_to: dt.date = strawberry.field(description="the last day it holds")
    source: str = strawberry.field(description="the document that says it ended")


@strawberry.input(description="Delete a relationship written through the API by mistake, identified "
                              "by type, from, to and validFrom (null: the one without a start date).")
class DeleteRelationshipInput(RelationshipKey):
    source: str = strawberry.field(description="why: the document or request that shows the mistake "
                                               "(kept in the audit log)")


def _relationship_type() -> type:
    ns: dict[str, Any] = {"__annotations__": {}, "__module__": __name__}
    ns["__annotations__"].update(type=RelationshipType, from_=strawberry.ID, to=strawberry.ID)
    ns["from_"] = strawberry.field(name="from")
    for prop in public(REL_COMMON) + public(tuple(REL_PROPS)):
        ns["__annotations__"][prop.name] = Optional[SCALARS[prop.type]]
        ns[prop.name] = strawberry.field(default=None, name=camel(prop.name), description=_doc(prop))
    return strawberry.type(type("Relationship", (), ns), name="Relationship",
                           description="A relationship as written; properties its type lacks are null.")


Relationship = _relationship_type()
_REL_ATTRS = [p.name for p in public(REL_COMMON) + public(tuple(REL_PROPS))]


def given(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields of an input object the client set, by model name (UNSET left out)."""
    out = {}
    for field in obj.__strawberry_definition__.fields:
        value = getattr(obj, field.python_name)
        if value is UNSET or field.python_name in skip:
            continue
        out[field.python_name] = value.value if isinstance(value, enum.Enum) else value
    return out


def as_sent(obj: Any) -> dict[str, Any]:
    """An input object with the client's field names, for the audit log."""
    out = {}
    for field in obj.__strawberry_definition__.fields:
        value = getattr(obj, field.python_name)
        if value is not UNSET:
            out[field.graphql_name or camel(field.python_name)] = (
                value.value if isinstance(value, enum.Enum) else value)
    return out


def show_on(row: dict[str, Any], today: dt.date) -> dt.date:
    """The date a written node answers nested fields for: today, moved into its period."""
    start, end = row.get("valid_from"), row.get("valid_to")
    if end is not None and today > end:
        return end
    if start is not None and today < start:
        return start
    return today


async def _run(info: Info, name: str, work: Any) -> Any:
    require_editor(info.context.principal, name)
    return await info.context.gate.write(work)


async def _audit(info: Info, ids: list[str], input: Any) -> None:
    audit = info.context.audit
    if audit is None:
        return
    from starlette.concurrency import run_in_threadpool
    await run_in_threadpool(audit.record, info.context.principal.subject, info.field_name,
                            ids, as_sent(input))


def _a(label: str) -> str:
    return ("an " if label[0] in "AEIO" else "a ") + label  # a Unit, an Organisation


def _node_mutations(node: NodeType) -> dict[str, Any]:
    label, node_cls = node.label, NODE_TYPES[node.label]
    create_cls, update_cls = create_input(node), update_input(node)

    async def create(info: Info, input: create_cls) -> Optional[node_cls]:  # type: ignore[valid-type]
        engine = info.context.gate.engine
        row = await _run(info, f"create{label}", partial(writes.create_node, engine, label, given(input)))
        await _audit(info, [row["id"]], input)
        return build_node(row, show_on(row, info.context.today))

    async def update(info: Info, input: update_cls) -> Optional[node_cls]:  # type: ignore[valid-type]
        engine = info.context.gate.engine
        fields = given(input, skip=("id",))
        row = await _run(info, f"update{label}",
                         partial(writes.update_node, engine, label, input.id, fields))
        await _audit(info, [row["id"]], input)
        return build_node(row, show_on(row, info.context.today))

    async def end(info: Info, input: EndInput) -> Optional[node_cls]:  # type: ignore[valid-type]
        engine = info.context.gate.engine
        row, ended = await _run(info, f"end{label}", partial(
            writes.end_node, engine, label, input.id, input.valid_to, input.source, input.cascade))
        ids = [row["id"]] + sorted({r.target if r.source == row["id"] else r.source for r in ended})
        await _audit(info, ids, input)
        return build_node(row, show_on(row, info.context.today))

    return {
        f"_create_{label}": strawberry.mutation(resolver=create, name=f"create{label}",
                                                description=f"Create {_a(label)} (editor role)."),
        f"_update_{label}": strawberry.mutation(resolver=update, name=f"update{label}",
                                                description=f"Change {_a(label)}'s properties (editor role)."),
        f"_end_{label}": strawberry.mutation(resolver=end, name=f"end{label}",
                                             description=f"End {_a(label)}: set its last day, keep its "
                                                         "history (editor role)."),
    }


def _relationship(row: dict[str, Any]) -> Any:
    return Relationship(type=RelationshipType(row["type"]), from_=row["from_id"], to=row["to_id"],
                        **{name: row.get(name) for name in _REL_ATTRS})


async def add_relationship(info: Info,
                           input: AddRelationshipInput) -> Optional[Relationship]:  # type: ignore[valid-type]
    """Add a relationship between two existing nodes (editor role)."""
    engine = info.context.gate.engine
    fields = given(input, skip=("type", "from_", "to"))
    row = await _run(info, "addRelationship", partial(
        writes.add_rel, engine, input.type.value, input.from_, input.to, fields))
    await _audit(info, [input.from_, input.to], input)
    return _relationship(row)


async def end_relationship(info: Info,
                           input: EndRelationshipInput) -> Optional[Relationship]:  # type: ignore[valid-type]
    """End a relationship: set its last day, keep its history (editor role)."""
    engine = info.context.gate.engine
    row = await _run(info, "endRelationship", partial(
        writes.end_rel, engine, input.type.value, input.from_, input.to, input.valid_from,
        input.valid_to, input.source))
    await _audit(info, [input.from_, input.to], input)
    return _relationship(row)


async def delete_relationship(info: Info,
                              input: DeleteRelationshipInput) -> Optional[Relationship]:  # type: ignore[valid-type]
    """Delete a relationship the API wrote by mistake, answering it as it was (editor role). One
    a dataset states is corrected in its file; one that held and stopped is ended, not deleted."""
    engine = info.context.gate.engine
    row = await _run(info, "deleteRelationship", partial(
        writes.delete_rel, engine, input.type.value, input.from_, input.to, input.valid_from))
    await _audit(info, [input.from_, input.to], input)
    return _relationship(row)


def build_mutation() -> type:
    ns: dict[str, Any] = {"__module__": __name__}
    for node in NODES:
        ns.update(_node_mutations(node))
    ns["add_relationship"] = strawberry.mutation(resolver=add_relationship,
                                                 description=add_relationship.__doc__)
    ns["end_relationship"] = strawberry.mutation(resolver=end_relationship,
                                                 description=end_relationship.__doc__)
    ns["delete_relationship"] = strawberry.mutation(resolver=delete_relationship,
                                                    description=delete_relationship.__doc__)
    return strawberry.type(type("Mutation", (), ns), name="Mutation",
                           description="Writes: editor role, one transaction each, checked by the "
                                       "loader's rules, recorded in the audit log.")
