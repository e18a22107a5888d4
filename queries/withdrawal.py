"""What is affected when one party leaves an agreement (`withdrawal`), from one-hop named queries.

The agreement carries on without the party when at least two parties and, if
it had hosts, a host remain; then the answer is the agreement itself, the
services it covers (the leaving party must get them another way), the parties
that remain (volume and cost shares change), the bodies it establishes and the
leaving party's seats in them, and what depends on the agreement or its services.
Otherwise the agreement cannot continue as it is: the answer is the agreement
followed by everything its ending affects (the `impact` traversal).
Every row says in words how it is affected (`effect`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orggraph.errors import QueryError

from . import NamedQuery, Param
from .traversals import AS_OF

if TYPE_CHECKING:
    from orggraph.engine.base import Engine, Row


# How the ending of something reaches what the impact traversal finds, by relationship.
ENDING_EFFECT = {
    "ESTABLISHES": "set up by the agreement: ends with it",
    "PARTY_TO": "party: loses what the agreement gives it",
    "PART_OF": "part of something that ends",
    "BELONGS_TO": "belongs to something that ends",
    "HEADS": "heads something that ends",
    "MEMBER_OF": "member of something that ends: the seat ends",
    "DEPENDS_ON": "depends on something that ends",
    "COVERS": "covers a service that ends",
    "DELIVERS": "delivers a service that ends",
}


def _ending_effect(row: "Row") -> str:
    if row["relationship"] == "PARTY_TO" and row["type"] == "Agreement":  # reached from a party
        return "one of its parties ends"
    return ENDING_EFFECT.get(row["relationship"], "affected by the ending")


def _row(depth: int, node: dict[str, Any], via: str, relationship: str, effect: str) -> "Row":
    return {"depth": depth, "id": node["id"], "type": node["type"], "name": node["name"], "via": via,
            "relationship": relationship, "effect": effect}


def _belongs_to(engine: "Engine", member: "Row", org: str, day: Any) -> bool:
    """Whether a member of a body sits there for `org`: the organisation itself, or a unit
    or post whose line of command reaches it."""
    if member["id"] == org:
        return True
    if member["type"] not in ("Unit", "Post"):
        return False  # a person's seat is personal; their posts are asked about separately
    chain = engine.query("chain_of_command", id=member["id"], as_of=day)
    return any(link["id"] == org for link in chain)


def _withdrawal(engine: "Engine", p: dict[str, Any]) -> list["Row"]:
    # as impact: `steps` bounds every answer (0 steps: nothing), the party check applies anyway
    return [row for row in _consequences(engine, p) if row["depth"] <= p["steps"]]


def _consequences(engine: "Engine", p: dict[str, Any]) -> list["Row"]:
    org, agreement, day = p["organisation"], p["agreement"], p["as_of"]
    parties = engine.query("agreement_parties", id=agreement, as_of=day)
    mine = [r for r in parties if r["id"] == org]
    if not mine:
        raise QueryError(f"{org!r} is not a party to agreement {agreement!r} on {day}"
                         + ("" if parties else " (the agreement has no parties on that date, "
                                                "or does not exist then)"))
    leaving, rest = mine[0], [r for r in parties if r["id"] != org]
    head = {"id": agreement, "type": "Agreement", "name": leaving["agreement"]}
    hosted = any(r["role"] == "host" for r in parties)
    hosts_left = [r for r in rest if r["role"] == "host"]
    if len(rest) < 2 or (hosted and not hosts_left):
        why = "no host is left" if hosted and not hosts_left else f"only {len(rest)} party is left"
        out = [_row(1, head, org, "PARTY_TO", f"cannot continue as it is: {why}")]
        for row in engine.query("impact", id=agreement, steps=max(p["steps"] - 1, 0), as_of=day):
            out.append(_row(row["depth"] + 1, row, row["via"], row["relationship"], _ending_effect(row)))
        return out

    role = leaving["role"] + (f" ({leaving['note']})" if leaving.get("note") else "")
    out = [_row(1, head, org, "PARTY_TO", f"loses {leaving['name']}, {role}")]
    for party in rest:
        effect = ("hosts for one party fewer: volume and cost shares change" if party["role"] == "host"
                  else "remains a party: cost shares change")
        out.append(_row(1, {**party, "type": "Organisation"}, agreement, "PARTY_TO", effect))
    around = engine.query("neighbours", ids=[agreement], as_of=day)
    services = [n for n in around if n["relationship"] == "COVERS"]
    for service in services:
        out.append(_row(1, service, agreement, "COVERS",
                        f"{leaving['name']} must provide it in another way"))
    for body in (n for n in around if n["relationship"] == "ESTABLISHES"):
        out.append(_row(1, body, agreement, "ESTABLISHES", f"loses {leaving['name']}'s part in it"))
        for member in engine.query("members", id=body["id"], as_of=day):
            if _belongs_to(engine, member, org, day):
                out.append(_row(2, member, body["id"], "MEMBER_OF", "its seat ends"))
    needed = engine.query("dependents", ids=[agreement] + [s["id"] for s in services], as_of=day)
    for row in needed:
        if row["relationship"] == "DEPENDS_ON":
            out.append(_row(2, row, row["via"], "DEPENDS_ON", "depends on what the party leaves"))
    return out


QUERY = NamedQuery(
    "withdrawal",
    "What is affected when one party leaves an agreement: the agreement (or, when it cannot "
    "continue, everything its ending affects), the remaining parties, the services covered, "
    "the bodies it establishes and the party's seats in them, and what depends on it.",
    [Param("organisation", "string", None, "the party that leaves"),
     Param("agreement", "string", None, "the agreement it leaves"),
     Param("steps", "int", "3", "how many steps of consequences when the agreement ends"), AS_OF],
    order=["depth", "relationship", "name", "id"], runner=_withdrawal)
