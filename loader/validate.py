"""Checks across items: ids, references, periods, holders and reporting cycles."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

from orggraph.schema import NODES, REL_BY_NAME

from .items import NodeItem, Parsed, RelItem
from .problems import STORED, Location, Problem

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Known:
    """A node as far as validation cares: its type, period and where it was defined."""

    label: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    where: Location | None  # None: already in the database

    def exists_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and \
            (self.valid_to is None or self.valid_to >= day)

    def period(self) -> str:
        return f"{self.valid_from or '…'} – {self.valid_to or '…'}"


Lookup = Callable[[list[str]], dict[str, Known]]


@dataclass
class Held:
    """What the graph holds beyond the files, for a load's checks across datasets
    (loader.stored.held). The datasets being loaded are left out of `taken` and `restated`:
    the load replaces what they said, so the files decide."""

    taken: dict[str, str | None]  # ids the files define that another dataset holds: id → dataset
    leaving: dict[str, str]  # ids the loaded datasets hold but no longer list: id → dataset
    restated: list[RelItem]  # other datasets' relationships with the key of one in the files
    links: list[RelItem]  # other datasets' relationships to a leaving node
    files: dict[str, str]  # the file of each dataset being loaded, for problems without a line
    #: the API's relationships with the key of one in the files: the load writes the file's instead
    replaced: list[RelItem] = field(default_factory=list)
    #: other nodes in the graph sharing a value that is unique on any day (loader.stored.sharing)
    sharing: list[NodeItem] = field(default_factory=list)


def overlaps(a_from, a_to, b_from, b_to) -> bool:
    return (a_to is None or b_from is None or a_to >= b_from) and \
        (b_to is None or a_from is None or b_to >= a_from)


def _a(label: str) -> str:
    return ("an " if label[0] in "AEIO" else "a ") + label  # a Unit, an Organisation


def _describe(known: Known) -> str:
    return f"defined at {known.where}" if known.where else "in the database"


def validate(parsed: Parsed, lookup: Lookup | None = None,
             context: list[RelItem] | None = None, held: Held | None = None) -> list[Problem]:
    """Every problem of the items, at once. `context` holds relationships already in the graph
    (loader.stored.context) that holders and cycles are checked against as well; a problem
    among stored relationships alone is not the input's and is not reported. `held` (a load's)
    adds ids and relationships other datasets hold, and the nodes the load would remove."""
    held = held or Held({}, {}, [], [], {})
    problems = list(parsed.problems)
    add = problems.append
    nodes: dict[str, Known] = {}
    for node in parsed.nodes:
        first = nodes.get(node.id)
        if first:
            add(Problem(node.where, "id", f"duplicate id {node.id!r}: already {_describe(first)}"))
            continue
        nodes[node.id] = Known(node.label, node.props.get("valid_from"), node.props.get("valid_to"),
                               node.where)
    _periods(parsed.nodes, parsed.rels, add)
    known = dict(nodes)
    if lookup is not None:
        wanted = sorted({r.source for r in parsed.rels} | {r.target for r in parsed.rels} | set(nodes))
        in_db = lookup(wanted)
        for node_id, stored in in_db.items():
            if node_id in nodes and nodes[node_id].label != stored.label:
                add(Problem(nodes[node_id].where, "id",
                            f"{node_id!r} is {_a(stored.label)} in the database, not {_a(nodes[node_id].label)}"))
            if node_id not in held.leaving:  # the load removes it
                known.setdefault(node_id, stored)
    for node_id, dataset in held.taken.items():
        add(Problem(nodes[node_id].where, "id", f"duplicate id {node_id!r}: {_taken(dataset)}"))
    dates = {n.id: n.props["date"] for n in parsed.nodes if n.props.get("date")}
    _references(parsed.rels, known, dates, add, held.leaving)
    _unique_on_date([n for n in parsed.nodes if nodes[n.id].where == n.where], held.sharing, add)
    _duplicate_rels(parsed.rels, add, held.restated)
    _still_linked(held, add)
    _holders(parsed.rels + (context or []), add)
    _cycles(parsed.rels + (context or []), add)
    return sorted(set(problems))


def _taken(dataset: str | None) -> str:
    if dataset is None:
        return "the database has it without a dataset; use another id"
    return (f"dataset {dataset!r} has it; use another id, or load that dataset's files too "
            "(then these files decide)")


def _still_linked(held: Held, add) -> None:
    """A node the load would remove that a dataset not being loaded still links (the write
    would refuse it): one problem per node and dataset, at the file that no longer lists it."""
    found: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for rel in held.links:
        for node_id, other in ((rel.source, rel.target), (rel.target, rel.source)):
            if node_id in held.leaving:
                found[node_id, rel.props.get("dataset")].append(f"{rel.type} {other}")
    for (node_id, by), links in found.items():
        dataset = held.leaving[node_id]
        some = ", ".join(sorted(links)[:3]) + (", …" if len(links) > 3 else "")
        add(Problem(Location(held.files.get(dataset, f"dataset {dataset!r}")), "id",
                    f"{node_id!r} is no longer listed in dataset {dataset!r}, but dataset {by!r} still "
                    f"links it {len(links)} times ({some}); list it again, or load that dataset too "
                    "without those links"))


def _periods(nodes: list[NodeItem], rels: list[RelItem], add) -> None:
    for node in nodes:
        backwards = _backwards(node.props)
        if backwards:
            add(Problem(node.at("valid_to"), "valid_to", backwards))
    for rel in rels:
        backwards = _backwards(rel.props)
        if backwards:
            add(Problem(rel.where, rel.field + ".valid_to", backwards))


def _backwards(props: dict) -> str | None:
    start, end = props.get("valid_from"), props.get("valid_to")
    return f"period ends ({end}) before it starts ({start})" if start and end and end < start else None


def _references(rels: list[RelItem], known: dict[str, Known], dates: dict[str, dt.date],
                add, leaving: dict[str, str]) -> None:
    for rel in rels:
        rel_type = REL_BY_NAME[rel.type]
        props = rel.props
        # most relationships have no period and no dated rule: no day to check an end on
        undated = not props.get("valid_from") and not props.get("valid_to") and \
            (rel.type not in DATED_RULES or rel.source not in dates)
        for end, node_id, allowed in (("source", rel.source, rel_type.sources),
                                      ("target", rel.target, rel_type.targets)):
            node = known.get(node_id)
            if node is None and node_id in leaving:
                dataset, other = leaving[node_id], rel.target if end == "source" else rel.source
                who = "the dataset" if rel.props.get("dataset") == dataset else \
                    f"dataset {rel.props.get('dataset')!r}"
                add(Problem(rel.where, rel.field,
                            f"{node_id!r} is no longer listed in dataset {dataset!r}, but {who} still "
                            f"links it to {other!r} ({rel.type}); list it again or remove that link"))
                continue
            if node is None:
                add(Problem(rel.where, rel.field, f"unknown id {node_id!r} ({rel.type} {end})"))
                continue
            if node.label not in allowed:
                add(Problem(rel.where, rel.field,
                            f"{node_id!r} is {_a(node.label)}; {rel.type} {end} must be "
                            + " or ".join(allowed)))
                continue
            if undated:
                continue
            for day, why in _check_days(rel, end, dates):
                if not node.exists_on(day):
                    add(Problem(rel.where, rel.field,
                                f"{node_id!r} did not exist on {day} ({why}); it is valid {node.period()}"))


# Relationships without a period of their own are checked on their owner's date.
DATED_RULES = {
    "HAS_PREDECESSOR": (-DAY, "the day before the change"),
    "HAS_SUCCESSOR": (dt.timedelta(0), "the day of the change"),
    "MADE_BY": (dt.timedelta(0), "the day of the decision"),
}


def _check_days(rel: RelItem, end: str, dates: dict[str, dt.date]) -> Iterable[tuple[dt.date, str]]:
    """The days on which one end of a relationship must exist."""
    start, stop = rel.props.get("valid_from"), rel.props.get("valid_to")
    if start:
        yield start, "start of the relationship"
    if stop:
        yield stop, "end of the relationship"
    rule = DATED_RULES.get(rel.type)
    if start or stop or end != "target" or rule is None or rel.source not in dates:
        return
    yield dates[rel.source] + rule[0], rule[1]


#: label → the properties no two of its nodes may share on one day (schema Prop.unique_on_date)
UNIQUE_ON_DATE = {node.label: tuple(p.name for p in node.all_props if p.unique_on_date) for node in NODES}


def _unique_on_date(nodes: list[NodeItem], stored: list[NodeItem], add) -> None:
    """A value such as a kommunenummer names one node on any day: two nodes of a type holding it
    in overlapping periods are reported at the input's (stored pairs are not this input's)."""
    by_value: dict[tuple, list[NodeItem]] = defaultdict(list)
    for node in stored + nodes:  # stored first: an input node is reported, a stored one named
        for name in UNIQUE_ON_DATE.get(node.label, ()):
            if node.props.get(name) is not None:
                by_value[node.label, name, node.props[name]].append(node)
    for (_, name, value), group in by_value.items():
        for i, later in enumerate(group):
            if later.where == STORED:
                continue
            for earlier in group[:i]:
                a, b = earlier.props, later.props
                if overlaps(a.get("valid_from"), a.get("valid_to"), b.get("valid_from"), b.get("valid_to")):
                    other = Known(earlier.label, a.get("valid_from"), a.get("valid_to"), None)
                    where = f"at {earlier.where}" if earlier.where != STORED else \
                        f"in the database, dataset {a.get('dataset')!r}"
                    add(Problem(later.at(name), name,
                                f"{name} {value!r} is also held by {earlier.id!r} ({where}, valid "
                                f"{other.period()}) in an overlapping period: a {name} names one "
                                f"{later.label} at a time"))
                    break


def _duplicate_rels(rels: list[RelItem], add, stored: list[RelItem]) -> None:
    """Two relationships with one key, in the files or one in the files and one another dataset
    keeps in the graph: an export of the graph would not load back."""
    seen: dict[tuple, RelItem] = {rel.key: rel for rel in stored}
    stored_keys = set(seen)
    for rel in rels:
        key = rel.key
        first = seen.setdefault(key, rel)
        if first is not rel:
            also = f"also {_stated(first)}); state it in one dataset only" if key in stored_keys \
                else f"also at {first.where})"
            add(Problem(rel.where, rel.field,
                        f"{rel.type} {rel.source} → {rel.target} is stated twice ({also}"))


def _holders(rels: list[RelItem], add) -> None:
    by_post: dict[str, list[RelItem]] = defaultdict(list)
    for rel in rels:
        if rel.type == "HOLDS":
            by_post[rel.target].append(rel)
    for post, holds in by_post.items():
        for i, later in enumerate(holds):
            for earlier in holds[:i]:
                if later.key == earlier.key or not overlaps(
                        earlier.props.get("valid_from"), earlier.props.get("valid_to"),
                        later.props.get("valid_from"), later.props.get("valid_to")):
                    continue
                # report it where the input can change it
                here, there = (earlier, later) if later.where == STORED else (later, earlier)
                if here.where != STORED:
                    add(Problem(here.where, here.field,
                                f"post {post!r} is held by {here.source!r} and by {there.source!r} "
                                f"({_stated(there)}) in overlapping periods"))


def _stated(rel: RelItem) -> str:
    if rel.where == STORED:
        return f"in the database, dataset {rel.props.get('dataset')!r}"
    return f"at {rel.where}"


def _cycles(rels: list[RelItem], add) -> None:
    """A reporting cycle is an error if there is a day on which all its links hold.

    Only links inside a knot of the graph of every link on any day can be in a cycle on some day,
    and only their dates can start one; so the search day by day runs over those alone, and not at
    all when that graph has no cycle. Before, it walked every link on every day a link starts or
    ends: a national history has about 120 such days, and that took minutes."""
    links = [r for r in rels if r.type == "PART_OF" or (r.type == "REPORTS_TO" and r.props.get("kind") == "line")]
    every_day: dict[str, list[RelItem]] = defaultdict(list)
    for rel in links:
        every_day[rel.source].append(rel)
    if not _find_cycles(every_day):  # the usual input: no cycle even with all days' links at once
        return
    links = _knotted(links)
    days = {dt.date.min}
    for rel in links:
        if rel.props.get("valid_from"):
            days.add(rel.props["valid_from"])
        if rel.props.get("valid_to") and rel.props["valid_to"] < dt.date.max:
            days.add(rel.props["valid_to"] + DAY)
    reported: set[frozenset] = set()
    for day in sorted(days):
        graph: dict[str, list[RelItem]] = defaultdict(list)
        for rel in links:
            start, end = rel.props.get("valid_from"), rel.props.get("valid_to")
            if (start is None or start <= day) and (end is None or end >= day):
                graph[rel.source].append(rel)
        for cycle in _find_cycles(graph):
            key = frozenset(id(r) for r in cycle)
            if key in reported:
                continue
            reported.add(key)
            given = [r for r in cycle if r.where != STORED]
            if not given:
                continue  # an old cycle in the graph is not this input's problem
            chain = " → ".join([r.source for r in cycle] + [cycle[0].source])
            when = "" if day == dt.date.min else f" from {day}"
            first = min(given, key=lambda r: r.where)
            add(Problem(first.where, first.field, f"reporting cycle{when}: {chain}"))


def _knotted(links: list[RelItem]) -> list[RelItem]:
    """The links whose two ends lie in one strongly connected component (Tarjan's algorithm,
    iterative), in their order: a self-link, or a link that some path of links leads back from."""
    graph: dict[str, list[str]] = defaultdict(list)
    for rel in links:
        graph[rel.source].append(rel.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    for root in list(graph):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        walk = [(root, iter(graph.get(root, ())))]
        while walk:
            node, targets = walk[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    walk.append((target, iter(graph.get(target, ()))))
                    break
                if target not in component:  # still on the stack
                    low[node] = min(low[node], index[target])
            else:
                walk.pop()
                if walk:
                    parent = walk[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    while True:
                        member = stack.pop()
                        component[member] = index[node]
                        if member == node:
                            break
    return [rel for rel in links if component[rel.source] == component[rel.target]]


def _find_cycles(graph: dict[str, list[RelItem]]) -> list[list[RelItem]]:
    """One cycle per strongly knotted region, by iterative depth-first search."""
    colour: dict[str, int] = {}
    cycles = []
    for root in list(graph):
        if colour.get(root):
            continue
        stack = [(root, iter(graph.get(root, ())))]
        path: list[RelItem] = []
        colour[root] = 1
        while stack:
            node, edges = stack[-1]
            edge = next(edges, None)
            if edge is None:
                colour[node] = 2
                stack.pop()
                if path:
                    path.pop()
                continue
            nxt = edge.target
            if colour.get(nxt) == 1:
                start = next(i for i, r in enumerate(path + [edge]) if r.source == nxt)
                cycles.append((path + [edge])[start:])
            elif not colour.get(nxt):
                colour[nxt] = 1
                path.append(edge)
                stack.append((nxt, iter(graph.get(nxt, ()))))
    return cycles
