"""The one declarative definition of the orggraph property graph.

Everything else is derived from these tables: Neo4j constraints, LadybugDB
DDL, the loader's validation and JSON Schema, and (later) the GraphQL types.
Names follow the W3C Organization Ontology and Popolo where they fit.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from orggraph.collation import fold, stored_order_key

STRING, INT, FLOAT, DATE, BOOL = "string", "int", "float", "date", "bool"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"
# Text values: no control characters but tab, line feed and carriage return, and at most
# MAX_TEXT characters (a long mandate is a few pages; a document belongs in `source`).
# Indexed text (names, titles, dataset names) at most MAX_NAME: Neo4j refuses index keys over
# about 8 kB, and 1 000 characters stay under it even at 4 bytes each in UTF-8.
MAX_TEXT = 10_000
MAX_NAME = 1_000
NAME_PROPS = ("name", "title")  # searched and filtered often: indexed in Neo4j
# Kept on Neo4j only, beside the schema's properties: a node's name or title folded as
# collation.fold folds it (case and accents gone), under a text index, so the API's `search`
# finds names through the index instead of folding every name on the server per search.
# Derived on every write of a node (loader/write.py), never input, never read back out.
FOLDED_NAME = "folded_name"
# Kept on Neo4j only, likewise: what a list by name orders a node by (collation.stored_order_key),
# under an index per label, so a page of a list is read in order instead of every match sorted.
SORT_KEY = "sort_key"
DERIVED = (FOLDED_NAME, SORT_KEY)


def derived(name: str | None, node_id: str) -> dict[str, str | None]:
    """The DERIVED properties of a node with this name (or title) and id."""
    return {FOLDED_NAME: None if name is None else fold(name), SORT_KEY: stored_order_key(name, node_id)}


def max_length(name: str) -> int:
    """The most characters a text property may hold."""
    return MAX_NAME if name in NAME_PROPS or name == "dataset" else MAX_TEXT


@dataclass(frozen=True)
class Prop:
    name: str
    type: str = STRING
    required: bool = False
    choices: tuple[str, ...] = ()
    private: bool = False  # personal data: not for anonymous readers
    doc: str = ""
    minimum: float | None = None  # the least a number may be (loader.items.convert checks it)
    #: the most a number may be: a typing slip (an extra 000) is caught, and sums stay finite
    maximum: float | None = None
    pattern: str | None = None  # a regular expression text must match whole (convert, JSON Schema)
    #: no two nodes of the type hold the same value on any day (a kommunenummer names one
    #: municipality at a time; loader.validate checks it across files, datasets and API writes)
    unique_on_date: bool = False


@dataclass(frozen=True)
class NodeType:
    label: str
    section: str  # the YAML list that holds items of this type
    doc: str
    props: tuple[Prop, ...]
    # A date property the node's period starts on when it states no valid_from (a decision
    # exists from the day it was made): the loader stores it as valid_from, so every as-of
    # query treats it like any other start, and export leaves it out again.
    starts_on: str | None = None

    @cached_property  # asked for every field of every row a load reads: computed once
    def all_props(self) -> tuple[Prop, ...]:
        return NODE_COMMON + self.props

    @cached_property
    def _prop_by_name(self) -> dict[str, Prop]:
        return {p.name: p for p in self.all_props}

    def prop(self, name: str) -> Prop | None:
        return self._prop_by_name.get(name)

    @cached_property
    def name_prop(self) -> str:
        """The property a node of this type is called by: its name, or its title (never both)."""
        return next(p.name for p in self.props if p.name in NAME_PROPS)


@dataclass(frozen=True)
class RelType:
    name: str
    doc: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    key: str  # inline YAML key on the source item
    reverse_key: str | None = None  # inline YAML key on the target item
    props: tuple[Prop, ...] = ()

    @cached_property
    def all_props(self) -> tuple[Prop, ...]:
        return REL_COMMON + self.props

    @cached_property
    def _prop_by_name(self) -> dict[str, Prop]:
        return {p.name: p for p in self.all_props}

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return [(s, t) for s in self.sources for t in self.targets]

    def prop(self, name: str) -> Prop | None:
        return self._prop_by_name.get(name)


PERIOD = (
    Prop("valid_from", DATE, doc="first day of validity; empty means since before records"),
    Prop("valid_to", DATE, doc="last day of validity (inclusive); empty means still valid"),
)
PROVENANCE = (
    Prop("source", STRING, required=True, doc="document and page/slide the fact comes from"),
    Prop("dataset", STRING, doc="set by the loader: the file the fact was loaded from"),
)
NODE_COMMON = (Prop("id", STRING, required=True, doc="stable identifier, unique across all types"),
               *PERIOD, *PROVENANCE)
REL_COMMON = (*PERIOD, *PROVENANCE)

NAME = Prop("name", STRING, required=True)
FTE = Prop("fte", FLOAT, doc="full-time equivalents (årsverk)", minimum=0, maximum=1_000_000)
DESCRIPTION = Prop("description", STRING)

NODES: tuple[NodeType, ...] = (
    NodeType("Organisation", "organisations",
             "A municipality, joint body, company or project organisation.", (
                 NAME,
                 Prop("kind", STRING, required=True, choices=(
                     "municipality", "county", "samkommune", "fellesnemnd", "iks",
                     "oppgavefellesskap", "project", "state", "company", "other")),
                 Prop("kommunenummer", STRING, doc="4-digit municipality number valid in the period",
                      pattern=r"^[0-9]{4}$", unique_on_date=True),
                 Prop("county", STRING, doc="fylke"),
                 Prop("org_number", STRING, doc="organisasjonsnummer"),
                 FTE, DESCRIPTION)),
    NodeType("Unit", "units", "An organisational unit, nested to any depth.", (
        NAME,
        Prop("kind", STRING, required=True, choices=(
            "service_area", "unit", "staff", "service_office", "department", "section", "team", "other")),
        FTE, DESCRIPTION)),
    NodeType("Post", "posts", "A position, separate from whoever holds it.", (
        Prop("title", STRING, required=True),
        Prop("kind", STRING, choices=("executive", "leader", "deputy", "political", "adviser",
                                      "staff", "other")),
        DESCRIPTION)),
    NodeType("Person", "persons", "A person who holds posts or sits in meeting places.", (
        NAME,
        Prop("email", STRING, private=True),
        Prop("phone", STRING, private=True),
        Prop("notes", STRING, private=True))),
    NodeType("MeetingPlace", "meeting_places", "A forum: leader group, team, network, council ...", (
        NAME,
        Prop("kind", STRING, required=True, choices=(
            "leader_group", "professional_team", "task_team", "network", "steering_group",
            "project_group", "council", "committee", "board", "working_committee", "other")),
        Prop("frequency", STRING, doc="as written, e.g. 'to ganger i året'"),
        Prop("meetings_per_year", FLOAT, minimum=0, maximum=1000),
        Prop("mandate", STRING),
        Prop("authority", STRING, doc="decision authority (myndighet)"),
        Prop("seats", INT, minimum=0, maximum=10_000),
        Prop("status", STRING, choices=("proposed", "active", "ended"),
             doc="proposed forums are not yet decided"),
        DESCRIPTION)),
    NodeType("Site", "sites", "A place: town hall, office, service office.", (
        NAME, Prop("address", STRING), DESCRIPTION)),
    NodeType("Agreement", "agreements", "An inter-municipal agreement.", (
        NAME,
        Prop("kind", STRING, required=True, choices=(
            "vertskommune", "samkommune", "iks", "ko", "other")),
        Prop("status", STRING, required=True, choices=("proposed", "decided", "in_force", "ended")),
        Prop("legal_basis", STRING, doc="e.g. 'kommuneloven 1992 § 28-1b'"),
        FTE,
        Prop("funding_tkr", FLOAT, doc="funding in thousand NOK", minimum=0, maximum=1e10),
        Prop("funding_note", STRING),
        DESCRIPTION)),
    NodeType("Service", "services", "A service delivered to inhabitants or to the organisation.", (
        NAME, Prop("category", STRING), DESCRIPTION)),
    NodeType("System", "systems", "An IT system, archive, register or other shared resource.", (
        NAME, Prop("category", STRING), DESCRIPTION)),
    NodeType("Decision", "decisions", "A formal decision (vedtak).", (
        Prop("title", STRING, required=True),
        Prop("date", DATE),
        Prop("date_note", STRING, doc="how certain the date is, when the document gives it partly"),
        Prop("case_number", STRING, doc="saksnummer"),
        Prop("outcome", STRING, choices=("adopted", "rejected", "postponed", "referred", "noted")),
        Prop("vote", STRING, doc="as recorded, e.g. 'enstemmig' or '27 mot 8'"),
        Prop("conditions", STRING),
        DESCRIPTION), starts_on="date"),
    NodeType("ChangeEvent", "changes", "A merger, split or other change of municipalities.", (
        Prop("kind", STRING, required=True, choices=("merger", "split", "boundary", "renaming", "renumbering")),
        Prop("name", STRING),
        Prop("date", DATE, required=True, doc="first day of the new situation"),
        DESCRIPTION)),
)

ORG_LIKE = ("Organisation", "Unit")
ANY_THING = ("Organisation", "Unit", "Post", "MeetingPlace", "Agreement", "Service", "System",
             "Decision", "ChangeEvent", "Site")
DEPENDABLE = ("Organisation", "Unit", "MeetingPlace", "Agreement", "Service", "System")
KIND_LINE = Prop("kind", STRING, required=True, choices=("line", "dotted"))

RELS: tuple[RelType, ...] = (
    RelType("PART_OF", "Structural nesting; a unit's line of command follows it upward.",
            ("Unit", "Organisation"), ORG_LIKE, key="part_of", reverse_key="has_parts"),
    RelType("BELONGS_TO", "A post or meeting place belongs to an organisation, unit or forum.",
            ("Post", "MeetingPlace"), ("Organisation", "Unit", "MeetingPlace"), key="belongs_to"),
    RelType("HEADS", "A post leads a unit, organisation or meeting place.",
            ("Post",), ("Organisation", "Unit", "MeetingPlace"), key="heads"),
    RelType("HOLDS", "A person holds a post.", ("Person",), ("Post",), key="holds",
            reverse_key="holders",
            props=(Prop("capacity", STRING, choices=("ordinary", "acting", "constituted", "temporary")),)),
    RelType("REPORTS_TO", "A reporting line between posts or units.",
            ("Post", "Unit"), ("Post", "Unit"), key="reports_to", props=(KIND_LINE,)),
    RelType("MEMBER_OF", "Membership of a meeting place or joint body, with role and seats.",
            ("Person", "Post", "Organisation", "Unit"), ("MeetingPlace", "Organisation"),
            key="member_of", reverse_key="members",
            props=(Prop("role", STRING, doc="e.g. leder, medlem, sekretær, referent, observatør"),
                   Prop("seats", INT, minimum=0, maximum=10_000))),
    RelType("BASED_AT", "Where a unit or meeting place is based or meets.",
            ("Unit", "MeetingPlace", "Organisation"), ("Site", "Organisation"), key="based_at"),
    RelType("LOCATED_IN", "The municipality a site lies in.", ("Site",), ("Organisation",),
            key="located_in"),
    RelType("PARTY_TO", "A party to an agreement and its role.", ("Organisation",), ("Agreement",),
            key="party_to", reverse_key="parties",
            props=(Prop("role", STRING, required=True, choices=("host", "participant", "partial")),
                   Prop("note", STRING))),
    RelType("COVERS", "A service covered by an agreement.", ("Agreement",), ("Service",),
            key="covers"),
    RelType("ESTABLISHES", "The joint body or company an agreement sets up.", ("Agreement",),
            ("Organisation", "Unit", "MeetingPlace"), key="establishes"),
    RelType("DELIVERS", "A unit or organisation delivers a service.", ORG_LIKE, ("Service",),
            key="delivers"),
    RelType("FUNDS", "Funding of an agreement, project or body.", ("Organisation",),
            ("Agreement", "Organisation", "Unit"), key="funds",
            props=(Prop("amount_tkr", FLOAT, minimum=0, maximum=1e10), Prop("note", STRING))),
    RelType("MADE_BY", "The body that made a decision.", ("Decision",),
            ("MeetingPlace", "Organisation"), key="made_by"),
    RelType("CONCERNS", "What a decision decided about.", ("Decision",), ANY_THING, key="concerns"),
    RelType("HAS_PREDECESSOR", "An organisation that ended with a change event.", ("ChangeEvent",),
            ("Organisation",), key="predecessors"),
    RelType("HAS_SUCCESSOR", "An organisation that began with a change event.", ("ChangeEvent",),
            ("Organisation",), key="successors"),
    RelType("DEPENDS_ON", "Everything is connected to everything: one thing needs another.",
            DEPENDABLE, DEPENDABLE, key="depends_on", reverse_key="needed_by",
            props=(Prop("note", STRING),)),
)

NODE_BY_LABEL = {n.label: n for n in NODES}
NODE_BY_SECTION = {n.section: n for n in NODES}
REL_BY_NAME = {r.name: r for r in RELS}


@lru_cache(maxsize=None)  # per node type, asked for every row a load reads
def rels_from(label: str) -> list[RelType]:
    return [r for r in RELS if label in r.sources]


@lru_cache(maxsize=None)
def rels_into(label: str) -> list[RelType]:
    return [r for r in RELS if label in r.targets and r.reverse_key]


def _check() -> None:
    """Guard the definition itself: inline keys must not clash with property names."""
    for node in NODES:
        names = [p.name for p in node.all_props]
        names += [r.key for r in rels_from(node.label)]
        names += [r.reverse_key for r in rels_into(node.label)]
        dup = {n for n in names if names.count(n) > 1}
        assert not dup, f"{node.label}: clashing keys {dup}"
        assert [p.name for p in node.props if p.name in NAME_PROPS] == [node.name_prop], \
            f"{node.label}: a name or a title, exactly one"


_check()
