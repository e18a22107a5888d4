"""Turn parsed YAML or CSV rows into typed nodes and relationships, checking each field.

Every problem is collected, not raised, so one run reports all of them.
"""
from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from orggraph.dates import iso_date
from orggraph.schema import (BOOL, DATE, FLOAT, ID_PATTERN, INT, MAX_NAME, MAX_TEXT, NODE_BY_LABEL,
                             NODE_BY_SECTION, REL_BY_NAME, STRING, NodeType, Prop, RelType,
                             max_length, rels_from, rels_into)

from .problems import Location, Problem

LOADER_SET = {"dataset"}  # properties only the loader sets
_ID = re.compile(ID_PATTERN)
# C0 controls but tab, line feed and carriage return; DEL; C1 controls (often mis-decoded
# Windows-1252). Unpaired surrogates are refused where text comes in (yamlsource, the API body).
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SHORTEST_LIMIT = min(MAX_NAME, MAX_TEXT)  # no text this short is too long
INT64 = (-2**63, 2**63 - 1)  # whole numbers both engines store


def text_problem(value: str, name: str = "") -> str | None:
    """What is wrong with the text value of property `name` (length, characters), or None."""
    limit = max_length(name)
    if len(value) > limit:
        return f"is {len(value)} characters long; {name or 'this text'} is limited to {limit} characters"
    bad = _BAD_CHAR.search(value)
    if bad is None:
        return None
    return (f"contains the control character U+{ord(bad.group()):04X} at character {bad.start() + 1}; "
            "only tab, line feed and carriage return are allowed")


@dataclass
class NodeItem:
    label: str
    props: dict[str, Any]
    where: Location
    lines: dict[str, int] = field(default_factory=dict)  # line of each field, for messages

    def at(self, field_name: str) -> Location:
        return Location(self.where.file, self.lines.get(field_name, self.where.line))

    @property
    def id(self) -> str:
        return self.props["id"]


@dataclass
class RelItem:
    type: str
    source: str
    target: str
    props: dict[str, Any]
    where: Location
    field: str

    @property
    def key(self) -> tuple:
        return (self.type, self.source, self.target, self.props.get("valid_from"))


@dataclass
class Parsed:
    nodes: list[NodeItem] = field(default_factory=list)
    rels: list[RelItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def not_text(value: Any, written: str | None = None) -> str:
    """The message for a value that is not text; `written` is the value as the file wrote it."""
    got = f"{type(value).__name__} {value!r}"
    if written is not None:  # YAML 1.1 reads 0301 as the octal 193 and yes as True: quote as written
        read = f"got {got}" if written == str(value) else f"but YAML reads {written} as {got}"
        return f'must be text, {read}; quote it: "{written}"'
    return f"must be text, got {got}" + (" (put it in quotes)" if isinstance(value, (int, float, dt.date)) else "")


def convert(prop: Prop, value: Any, from_text: bool = False, written: str | None = None
            ) -> tuple[Any, str | None]:
    """Check and convert one value; returns (value, message) where message says what is wrong.
    `written` is the text of a YAML value that YAML read as something other than text."""
    if value is None or (from_text and value == ""):
        return None, None
    kind = prop.type
    try:
        if kind == STRING:
            if not isinstance(value, str):
                return None, not_text(value, written)
            # a required text says something; an optional blank one is absent (stripped only when it
            # may be blank: this runs for every text cell of a load)
            if not value or (value[0].isspace() and not value.strip()):
                return (None, "must not be empty" + (" (it is only spaces)" if value else "")) if prop.required \
                    else (None, None)
            # short clean text, nearly all of it, needs no closer look
            if len(value) > _SHORTEST_LIMIT or _BAD_CHAR.search(value):
                problem = text_problem(value, prop.name)
                if problem:
                    return None, problem
        elif kind == INT:
            if from_text:
                value = int(value)
            elif isinstance(value, bool) or not isinstance(value, int):
                return None, f"must be a whole number, got {value!r}"
            if not INT64[0] <= value <= INT64[1]:
                got = value if value.bit_length() < 200 else "a longer one"  # str() of a huge int raises
                return None, f"must be a whole number from {INT64[0]} to {INT64[1]}, got {got}"
        elif kind == FLOAT:
            if from_text:
                value = float(value.replace(",", "."))
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                return None, f"must be a number, got {value!r}"
            value = float(value)
            if not math.isfinite(value):  # no engine keeps NaN or infinity through JSON
                return None, f"must be a finite number, got {value}"
        elif kind == DATE:
            if isinstance(value, dt.datetime):
                return None, f"must be a date without time, got {value.isoformat()}"
            if not isinstance(value, dt.date):
                value = iso_date(str(value))
        elif kind == BOOL:
            if from_text and value.lower() in ("true", "false"):
                value = value.lower() == "true"
            elif not isinstance(value, bool):
                return None, f"must be true or false, got {value!r}"
    except OverflowError:  # a whole number beyond any float
        return None, "must be a finite number; a whole number of over 300 digits is too large"
    except ValueError:
        expected = {DATE: "a date YYYY-MM-DD", INT: "a whole number", FLOAT: "a number"}[kind]
        return None, f"must be {expected}, got {value!r}"
    if prop.minimum is not None and value < prop.minimum:
        return None, f"must be at least {prop.minimum:g}, got {value:g}"
    if prop.maximum is not None and value > prop.maximum:
        return None, f"must be at most {prop.maximum:,.0f}".replace(",", " ") + f", got {value}"
    if prop.choices and value not in prop.choices:
        return None, f"must be one of {', '.join(prop.choices)}; got {value!r}"
    if prop.pattern and not _pattern(prop.pattern).fullmatch(value):
        return None, f"must match {prop.pattern} ({prop.doc}), got {value!r}"
    if prop.name == "id" and not _ID.fullmatch(value):  # not match: $ lets a final newline through
        return None, (f"{value!r} is not a valid id: use letters a-z, digits and . _ : - "
                      "(no spaces or æøå), at most 128 characters")
    return value, None


@lru_cache(maxsize=None)
def _pattern(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


@lru_cache(maxsize=None)  # per node type, asked for every entry
def _node_shape(label: str) -> tuple[dict[str, Prop], dict[str, RelType], dict[str, RelType], list[str]]:
    """The fields an entry may give, its inline relationships forward and reverse, and the
    fields it must have."""
    node_type = NODE_BY_LABEL[label]
    fields = {p.name: p for p in node_type.all_props if p.name not in LOADER_SET}
    forward = {r.key: r for r in rels_from(label)}
    reverse = {r.reverse_key: r for r in rels_into(label)}
    return fields, forward, reverse, [p.name for p in node_type.all_props if p.required]


def known_fields(section: str) -> list[str]:
    """Every field an entry of `section` may give; for `relationships`, type, from, to and the
    properties of any relationship type."""
    if section == "relationships":
        props = (p.name for r in REL_BY_NAME.values() for p in r.all_props if p.name not in LOADER_SET)
        return ["type", "from", "to", *dict.fromkeys(props)]
    fields, forward, reverse, _ = _node_shape(NODE_BY_SECTION[section].label)
    return [*fields, *forward, *reverse]


def unknown_field(section: str, name: str) -> str:
    """The message for a field that `section`'s entries cannot have, with the nearest they can."""
    if section in NODE_BY_SECTION:
        text = f"{NODE_BY_SECTION[section].label} has no field {name!r}"
    else:
        text = f"no relationship type has the property {name!r}"
    return text + _suggest(name, known_fields(section))


@lru_cache(maxsize=None)
def _rel_shape(name: str) -> tuple[dict[str, Prop], list[str]]:
    """The properties a relationship may give, and those it must have."""
    rel = REL_BY_NAME[name]
    return ({p.name: p for p in rel.all_props if p.name not in LOADER_SET},
            [p.name for p in rel.all_props if p.required])


class DocumentParser:
    """Parse one YAML document (or the rows of one CSV file) into a Parsed."""

    def __init__(self, file: str, dataset: str, default_source: str | None, from_text: bool = False):
        self.file, self.dataset, self.default_source = file, dataset, default_source
        self.from_text = from_text
        self.out = Parsed()
        self._last_where = Location(file, 0)

    def problem(self, line: int, field_name: str, message: str) -> None:
        self.out.problems.append(Problem(Location(self.file, line), field_name, message))

    def node(self, node_type: NodeType, item: Any, line: int, where_prefix: str) -> None:
        if not isinstance(item, dict):
            self.problem(line, where_prefix, f"each entry must be a mapping of fields, got {item!r}")
            return
        lines = getattr(item, "key_lines", {})
        written = getattr(item, "written", {})
        fields, forward, reverse, required = _node_shape(node_type.label)
        from_text = self.from_text
        props: dict[str, Any] = {}
        inline: list[tuple[str, RelType, bool, Any]] = []
        for key, value in item.items():
            name = str(key)
            prop = fields.get(name)
            if prop is not None:
                converted, error = convert(prop, value, from_text, written.get(name))
                if error:
                    self.problem(lines.get(name, line), name, error)
                props[prop.name] = converted
            elif key in forward:
                inline.append((name, forward[key], False, value))
            elif key in reverse:
                inline.append((name, reverse[key], True, value))
            else:
                allowed = list(fields) + list(forward) + list(reverse)
                self.problem(lines.get(name, line), name, f"{node_type.label} has no field {key!r}"
                             + _suggest(name, allowed))
        if props.get("source") is None:  # absent or null: the file's source applies
            props["source"] = self.default_source
        props["dataset"] = self.dataset
        if node_type.starts_on and props.get("valid_from") is None:
            props["valid_from"] = props.get(node_type.starts_on)
        # a given but invalid value is reported already; an explicit null counts as missing
        for name in required:
            if props.get(name) is None and item.get(name) is None:
                hint = " (or a top-level `source:` for the file)" if name == "source" else ""
                self.problem(line, name, f"{node_type.label} needs {name!r}{hint}")
        if props.get("id") is None:
            return
        where = self._where(line)
        self.out.nodes.append(NodeItem(node_type.label, props, where, dict(lines)))
        for key, rel, is_reverse, value in inline:
            self.inline_rels(props, rel, is_reverse, key, value, lines.get(key, line))

    def _where(self, line: int) -> Location:
        """Location of `line`; an entry and its inline relationships share one (it is frozen)."""
        if self._last_where.line != line:
            self._last_where = Location(self.file, line)
        return self._last_where

    def inline_rels(self, owner: dict, rel: RelType, is_reverse: bool, key: str, value: Any,
                    line: int) -> None:
        if self.from_text and isinstance(value, str):  # CSV: several ids separated by ;
            entries = [v.strip() for v in value.split(";") if v.strip()]
            entry_lines = [line] * len(entries)
        else:
            entries = value if isinstance(value, list) else [value]
            entry_lines = getattr(value, "item_lines", None) or [line] * len(entries)
        many = len(entries) > 1
        for index, (entry, entry_line) in enumerate(zip(entries, entry_lines)):
            label = f"{key}[{index}]" if many else key
            if isinstance(entry, str):
                other, extra = entry, {}
            elif isinstance(entry, dict):
                extra = dict(entry)
                other = extra.pop("id", None)
                if not isinstance(other, str):
                    self.problem(entry_line, label, "needs `id:` naming the other end")
                    continue
            else:
                self.problem(entry_line, label, f"expected an id or a mapping with `id:`, got {entry!r}")
                continue
            source, target = (other, owner["id"]) if is_reverse else (owner["id"], other)
            self.rel(rel, source, target, extra, entry_line, label, getattr(entry, "key_lines", {}),
                     owner.get("source"), getattr(entry, "written", {}))

    def rel(self, rel: RelType, source: str, target: str, fields: dict, line: int, label: str,
            lines: dict[str, int], inherited_source: str | None, written: dict[str, str] | None = None
            ) -> None:
        written = written or {}
        known, required = _rel_shape(rel.name)
        props: dict[str, Any] = {}
        for key, value in fields.items():
            prop = known.get(str(key))
            if prop is None:
                self.problem(lines.get(str(key), line), f"{label}.{key}",
                             f"{rel.name} has no property {key!r}" + _suggest(str(key), list(known)))
                continue
            converted, error = convert(prop, value, self.from_text, written.get(str(key)))
            if error:
                self.problem(lines.get(str(key), line), f"{label}.{key}", error)
            props[prop.name] = converted
        if props.get("source") is None:  # absent or null: the entry's or the file's source applies
            props["source"] = inherited_source or self.default_source
        props["dataset"] = self.dataset
        # a given but invalid value is reported already; an explicit null counts as missing
        for name in required:
            if props.get(name) is None and fields.get(name) is None:
                self.problem(line, f"{label}.{name}", f"{rel.name} needs {name!r}")
        self.out.rels.append(RelItem(rel.name, source, target, props, self._where(line), label))

    def relationship_entry(self, item: Any, line: int, label: str) -> None:
        if not isinstance(item, dict):
            self.problem(line, label, f"each relationship must be a mapping, got {item!r}")
            return
        fields = dict(item)
        lines = getattr(item, "key_lines", {})
        rel_name, source, target = fields.pop("type", None), fields.pop("from", None), fields.pop("to", None)
        rel = REL_BY_NAME.get(str(rel_name).upper()) if rel_name else None
        if rel is None:
            self.problem(line, f"{label}.type", f"unknown relationship type {rel_name!r}; known: "
                         + ", ".join(REL_BY_NAME))
            return
        for end, value in (("from", source), ("to", target)):
            if not isinstance(value, str) or not value:
                self.problem(lines.get(end, line), f"{label}.{end}", f"needs the id of the {end} end")
                return
        self.rel(rel, source, target, fields, line, label, lines, None, getattr(item, "written", {}))


def parse_yaml_document(doc: Any, file: str, default_dataset: str) -> tuple[str, Parsed]:
    """Parse one YAML file's content (already loaded with line marks)."""
    if doc is None:  # loading it would remove every node of the dataset
        parser = DocumentParser(file, default_dataset, None)
        parser.problem(1, "", f"YAML: the file is empty (nothing but blank lines or comments); to empty "
                       f"dataset {default_dataset!r} on purpose, load a file holding just "
                       f"`dataset: {default_dataset}`")
        return default_dataset, parser.out
    if not isinstance(doc, dict):
        parser = DocumentParser(file, default_dataset, None)
        parser.problem(getattr(doc, "line", 1), "", "the file must be a mapping with sections such "
                       "as organisations:, units:, posts: ...")
        return default_dataset, parser.out
    dataset = doc.get("dataset", default_dataset)
    parser = DocumentParser(file, str(dataset), doc.get("source"))
    lines = getattr(doc, "key_lines", {})
    if not set(doc) - {"source", "description"}:  # as empty as an empty file, and as destructive
        parser.problem(1, "", f"YAML: the file has no sections (units:, posts:, ...), so loading it would "
                       f"remove every node of dataset {default_dataset!r}; to empty it on purpose, "
                       f"say so with `dataset: {default_dataset}`")
        return default_dataset, parser.out
    if "dataset" not in doc and all(doc[key] is None or doc[key] == [] for key in doc
                                    if key not in ("source", "description")):
        parser.problem(1, "", f"YAML: every section of the file is empty (null, [] or only comments), so "
                       f"loading it would remove every node of dataset {default_dataset!r}; to empty it "
                       f"on purpose, say so with `dataset: {default_dataset}`")
        return default_dataset, parser.out
    for key in ("dataset", "source"):
        if key in doc and not isinstance(doc[key], str):
            parser.problem(lines.get(key, 1), key, not_text(doc[key], getattr(doc, "written", {}).get(key)))
        elif key in doc and not doc[key].strip():
            parser.problem(lines.get(key, 1), key, "must not be empty")
        elif key in doc and text_problem(doc[key], key):
            parser.problem(lines.get(key, 1), key, str(text_problem(doc[key], key)))
    for section, entries in doc.items():
        if section in ("dataset", "source", "description"):
            continue
        line = lines.get(str(section), 1)
        if section != "relationships" and section not in NODE_BY_SECTION:
            parser.problem(line, str(section), f"unknown section {section!r}; sections are: "
                           + ", ".join([*NODE_BY_SECTION, "relationships"])
                           + _suggest(str(section), [*NODE_BY_SECTION, "relationships"]))
            continue
        if entries is None:
            continue
        if not isinstance(entries, list):
            parser.problem(line, str(section), "must be a list of entries (each starting with '- ')")
            continue
        item_lines = getattr(entries, "item_lines", [line] * len(entries))
        for index, (item, item_line) in enumerate(zip(entries, item_lines)):
            if section == "relationships":
                parser.relationship_entry(item, getattr(item, "line", item_line),
                                          f"relationships[{index}]")
            else:
                parser.node(NODE_BY_SECTION[section], item, getattr(item, "line", item_line),
                            f"{section}[{index}]")
    return str(dataset), parser.out


__all__ = ["NodeItem", "RelItem", "Parsed", "DocumentParser", "parse_yaml_document", "convert",
           "NODE_BY_LABEL"]
