"""What the charts say about a post besides who holds it on the day.

The schema has no vacancy flag, so a post nobody holds on a date is "Vakant" only when someone is
recorded holding it before that date; a post never given a holder may well have had one that the
documents did not name, and is "ikke oppgitt". Forum members are often posts with one title in
many municipalities ("Ordfører"), so they are told apart by the organisation or unit the post
heads or belongs to.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from orggraph.collation import sort_key

from . import from_index
from .common import live, rel_type

if TYPE_CHECKING:
    from orggraph.engine.base import Engine

ORG_TYPES = ("Organisation", "Unit")


def _held_query() -> str:
    return """
UNWIND $ids AS post_id
MATCH (x:Person)-[hh:HOLDS]->(p:Post)
WHERE p.id = post_id AND hh.valid_to < $as_of
RETURN DISTINCT post_id AS post"""


def _orgs_query(engine: "Engine") -> str:
    return f"""
UNWIND $ids AS post_id
MATCH (p:Post)-[r:HEADS|BELONGS_TO]->(o)
WHERE p.id = post_id AND {live('r')} AND {live('o')}
RETURN DISTINCT post_id AS post, {rel_type(engine)} AS rel, labels(o) AS org_type, o.name AS name"""


def held_before(engine: "Engine", ids: list[str], day: dt.date) -> set[str]:
    """The posts among `ids` that someone is recorded holding before `day`."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    rows = from_index.read(engine, _held_query(), {"ids": wanted, "as_of": day},
                           lambda index: from_index.held_rows(index, wanted, day))
    return {row["post"] for row in rows}


def post_orgs(engine: "Engine", ids: list[str], day: dt.date) -> dict[str, str]:
    """post → the name of the organisation or unit it heads (else belongs to) on `day`."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = from_index.read(engine, _orgs_query(engine), {"ids": wanted, "as_of": day},
                           lambda index: from_index.post_org_rows(index, wanted, day))
    found: dict[str, str] = {}
    # heading says more than belonging; among equals the first by name, so both engines agree
    for row in sorted(rows, key=lambda r: (r["rel"] != "HEADS", sort_key(r["name"] or ""))):
        if row["org_type"] in ORG_TYPES and row["name"]:
            found.setdefault(row["post"], row["name"])
    return found


def mark_held(engine: "Engine", heads: list[Any], posts: list[Any], day: dt.date) -> None:
    """Set `was_held` on the heads and post nodes nobody holds on the day (Vakant or ikke oppgitt)."""
    empty = [h.post for h in heads if not h.holders] + [p.id for p in posts if not p.holders]
    held = held_before(engine, empty, day)
    for head in heads:
        head.was_held = head.post in held
    for post in posts:
        post.was_held = post.id in held


def member_name(row: dict, clash: set[str]) -> str:
    """A member's name; a post's with its organisation when its title is in `clash`."""
    name = row["name"] or row["id"]
    return f"{name}, {row['org']}" if row.get("org") and name in clash else name


def clashing(rows: list[dict]) -> set[str]:
    """The titles member posts of more than one organisation have (four "Ordfører"s); posts of
    one organisation with one title are told apart by their holders."""
    seen: dict[str, set] = {}
    for row in rows:
        if row["type"] == "Post":
            seen.setdefault(row["name"] or row["id"], set()).add(row.get("org"))
    return {title for title, orgs in seen.items() if len(orgs) > 1}
