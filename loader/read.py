"""Find input files, parse them all, and merge them into one Parsed for validation."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Callable, Iterator

from orggraph.errors import OrggraphError
from orggraph.schema import NODE_BY_SECTION

from .items import DocumentParser, Parsed, parse_yaml_document
from .problems import Location, Problem
from .yamlsource import Mapping, read_text, read_yaml

SUFFIXES = (".yaml", ".yml", ".csv")


def find_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise OrggraphError(f"{path}: no such file or directory")
    if not files:
        raise OrggraphError("no .yaml, .yml or .csv files in " + ", ".join(map(str, paths)))
    return files


def display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def csv_rows(text: str, problem: Callable[[int, str, str], None]
             ) -> Iterator[tuple[int, dict[str, str], bool]]:
    """(line, non-empty cells by column, more cells than columns?) for each row, exactly as
    csv.DictReader would give them (blank rows skipped; a repeated column's last cell wins),
    built without DictReader's per-row dict. A CSV error ends the rows as a problem at the line
    DictReader's line_num then says: the last row read, or the blank row before the bad one."""
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 0
    try:
        header = next(reader, None)
        line = reader.line_num
        if header is None:
            return
        width = len(header)
        plain = len(set(header)) == width
        for row in reader:
            line = reader.line_num  # what DictReader says if skipping blank rows fails
            while not row:
                row = next(reader, None)
                if row is None:
                    return
            line = reader.line_num
            if plain:
                cells = {k: v for k, v in zip(header, row) if v}
            else:
                given = dict(zip(header, row))
                given.update(dict.fromkeys(header[len(row):]))
                cells = {k: v for k, v in given.items() if v}
            yield line, cells, len(row) > width
    except csv.Error as exc:
        problem(line or 1, "", f"CSV: {exc}")


def read_csv(path: Path, name: str) -> tuple[str, Parsed]:
    """`<section>[.anything].csv`: one entry per row; header names fields, empty cells are absent."""
    dataset = path.stem
    section = dataset.split(".")[0]
    parser = DocumentParser(name, dataset, None, from_text=True)
    if section != "relationships" and section not in NODE_BY_SECTION:
        parser.problem(1, "", f"a CSV file is named after its section: {section!r} is none of "
                       + ", ".join([*NODE_BY_SECTION, "relationships"]))
        return dataset, parser.out
    node_type = NODE_BY_SECTION.get(section)
    text, problems = read_text(path, name)
    if text is None:
        parser.out.problems += problems
        return dataset, parser.out
    for line, cells, too_many in csv_rows(text, parser.problem):
        item = Mapping(cells)
        item.line, item.key_lines = line, {}
        if too_many:
            parser.problem(line, "", "more cells than the header has columns")
        if section == "relationships":
            parser.relationship_entry(item, line, f"row {line}")
        else:
            parser.node(node_type, item, line, f"row {line}")
    return dataset, parser.out


def read_all(paths: list[Path]) -> tuple[Parsed, list[str]]:
    """Parse every file; returns everything found and the dataset names, in file order."""
    merged, datasets = Parsed(), {}
    for path in find_files(paths):
        name = display_name(path)
        if path.suffix == ".csv":
            dataset, parsed = read_csv(path, name)
        else:
            doc, problems = read_yaml(path, name)
            dataset, parsed = parse_yaml_document(doc, name, path.stem) if not problems \
                else (path.stem, Parsed(problems=problems))
        if dataset in datasets:
            parsed.problems.append(Problem(Location(name, 1), "dataset",
                                           f"dataset {dataset!r} is also {datasets[dataset]}; give each "
                                           "file its own `dataset:` name"))
        datasets.setdefault(dataset, f"in {name}")
        merged.nodes += parsed.nodes
        merged.rels += parsed.rels
        merged.problems += parsed.problems
    return merged, list(datasets)
