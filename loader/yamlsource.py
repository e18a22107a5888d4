"""Read YAML keeping the line of every mapping and key, so problems can say file:line."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .problems import Location, Problem


SURROGATE = re.compile("[\ud800-\udfff]")


class Mapping(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]
    #: the text as written of each value YAML read as something else than text (0301, yes, 1.0)
    written: dict[str, str] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Sequence(list):
    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


# libyaml's parser, when PyYAML has it, is several times faster and its nodes carry the same
# marks. It accepts some text PyYAML refuses (tabs inside flow mappings and plain scalars, `?` in
# flow context): such text, and any text libyaml refuses, goes to PyYAML, whose verdict stands.
# tests/test_yamlsource.py compares the two on mutated input files.
LIBYAML_DIFFERS = re.compile("[\t?]")


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


_STR = "tag:yaml.org,2002:str"


def _mapping(loader: Any, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    out = Mapping()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.ScalarNode) and value_node.tag != _STR:
            if not out.written:
                out.written = {}
            out.written[str(key)] = value_node.value
    return out


def _sequence(loader: Any, node: yaml.SequenceNode) -> Sequence:
    out = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    # An impossible date such as 2017-06-31 stays text, so validation reports it at its field.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


def _int(loader: Any, node: yaml.ScalarNode) -> int:
    # Python refuses to read a whole number of over 4 300 digits; say where it is
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, "a whole number this long cannot be stored", node.start_mark) from None


def _str(loader: Any, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    surrogate = SURROGATE.search(value)
    if surrogate:  # only an escape such as "\ud800" makes one; no database can store it
        raise yaml.constructor.ConstructorError(
            None, None, f"the escape for U+{ord(surrogate.group()):04X} is half a surrogate pair, "
            "not a character", node.start_mark)
    return value


for _loader in (_Loader, _FastLoader):
    _loader.add_constructor("tag:yaml.org,2002:str", _str)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
    _loader.add_constructor("tag:yaml.org,2002:int", _int)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def read_text(path: Path, name: str) -> tuple[str | None, list[Problem]]:
    """A file's UTF-8 text (a byte-order mark is dropped); bytes that are not UTF-8 are a Problem
    at their line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(Location(name, line), "", f"not valid UTF-8: byte 0x{data[exc.start]:02x} "
                              f"at column {column} ({exc.reason}); save the file as UTF-8")]


def read_yaml(path: Path, name: str) -> tuple[Any, list[Problem]]:
    """Parse one file; a syntax error becomes a Problem at its line instead of an exception."""
    text, problems = read_text(path, name)
    if text is None:
        return None, problems
    if not LIBYAML_DIFFERS.search(text):
        try:
            return yaml.load(text, Loader=_FastLoader), []
        except Exception:  # noqa: BLE001 - libyaml words its errors its own way: let PyYAML's say it
            pass
    try:
        return yaml.load(text, Loader=_Loader), []
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, name)]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, raw in the file
        line = text.count("\n", 0, exc.position) + 1
        return None, [Problem(Location(name, line), "", f"YAML: the character U+{exc.character:04X} cannot "
                              "appear in a YAML file; inside double quotes write it as an escape")]
    except yaml.YAMLError as exc:
        return None, [Problem(Location(name, 1), "", f"YAML: {exc}")]


def _syntax_problem(exc: yaml.MarkedYAMLError, name: str) -> Problem:
    """At the problem's line, saying what was being read and where it started; a problem found
    at the end of the file (a quote or bracket never closed) is at the line the open one starts."""
    problem, context, mark = exc.problem or str(exc), exc.context, exc.problem_mark or exc.context_mark
    opened = exc.context_mark
    if context and opened and ("end of stream" in problem or "<stream end>" in problem):
        return Problem(Location(name, opened.line + 1), "",
                       f"YAML syntax: {problem} {context} that starts here; is it closed?")
    if context and opened and mark and opened.line != mark.line:
        problem += f" ({context} that starts on line {opened.line + 1})"
    return Problem(Location(name, mark.line + 1 if mark else 0), "", f"YAML syntax: {problem}")
