"""Find input files, parse them all, and merge them into one Parsed for validation."""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path
from typing import Callable, Iterator

from orggraph.errors import UsageError
from orggraph.schema import NODE_BY_SECTION
from orggraph.schema.model import MAX_TEXT

from .items import DocumentParser, Parsed, known_fields, parse_yaml_document, unknown_field
from .problems import Location, Problem
from .yamlsource import Mapping, read_text, read_yaml

SUFFIXES = (".yaml", ".yml", ".csv")


def is_loader_file(path: Path) -> bool:
    """A file a folder's load reads: .yaml, .yml or .csv in any case, not hidden (an editor's or an
    interrupted export's temporary file)."""
    return path.suffix.lower() in SUFFIXES and not path.name.startswith(".") and path.is_file()


def find_files(paths: list[Path]) -> list[Path]:
    """The files to read, each once (a file also inside a folder given is not read twice)."""
    files: dict[Path, Path] = {}
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if is_loader_file(p))
        elif path.is_file():
            found = [path]
        else:
            raise UsageError(f"{path}: no such file or directory")
        for file in found:
            files.setdefault(file.resolve(), file)
    if not files:
        raise UsageError("no .yaml, .yml or .csv files in " + ", ".join(map(str, paths)))
    return list(files.values())


def display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


_BREAK = re.compile(r"\r\n?|\n")  # a line break, as csv.reader counts lines
_CELL_END = re.compile(r"[,\r\n]")


def csv_rows(text: str, problem: Callable[[int, str, str], None],
             check_header: Callable[[list[str], int], bool]) -> Iterator[tuple[int, dict[str, str], bool, dict]]:
    """(line, non-empty cells by column, more cells than columns?, line of each cell) for each row
    (the lines of cells only for a row over several lines; blank rows skipped; a repeated column's
    last cell wins). A row is at the line it starts on. Blank lines before the header are skipped;
    `check_header` says whether the rows can be read. A CSV error ends the rows as a problem: a
    quote gone wrong where its cell starts, any other on the line its row starts."""
    # strict: a quote never closed is an error, not the rest of the file read into one cell
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line, header = 0, None
    try:
        header = next(reader, None)
        while header == []:
            line, header = reader.line_num, next(reader, None)
        line = reader.line_num
        if header is None or not check_header(header, line):
            return
        width = len(header)
        plain = len(set(header)) == width
        for row in reader:
            start, line = line + 1, reader.line_num
            if not row:
                continue
            if plain:
                cells = {k: v for k, v in zip(header, row) if v}
            else:
                given = dict(zip(header, row))
                given.update(dict.fromkeys(header[len(row):]))
                cells = {k: v for k, v in given.items() if v}
            lines = {}
            if line > start:  # a quoted cell holds a line break: each cell starts on its own line
                at = start
                for name, cell in zip(header, row):
                    lines[name] = at
                    at += len(_BREAK.findall(cell))
            yield start, cells, len(row) > width, lines
    except csv.Error as exc:
        quote = _quote_problem(text, line + 1, header or [])
        if quote:
            problem(*quote)
        else:  # at the row being read: it starts on the line after the last one read
            message = str(exc)
            if "field larger than field limit" in message:  # csv's words for a cell over 128 KiB
                message = (f"a cell longer than {csv.field_size_limit():,} characters (text may have at "
                           f"most {MAX_TEXT:,}); is a quote missing, or the file not CSV?")
            problem(line + 1, "", f"CSV: {message}")


def _quote_problem(text: str, start: int, header: list[str]) -> tuple[int, str, str] | None:
    """(line, column, message) of what is wrong with the quotes of the row starting on line `start`,
    read as csv.reader reads it: a cell that opens with a quote never closes, or its closing quote
    has text after it. None if its quotes are right."""
    lines = io.StringIO(text, newline="")
    at = sum(len(lines.readline()) for _ in range(start - 1))  # where the row starts

    def line_of(offset: int) -> int:
        return start + len(_BREAK.findall(text, at, offset))

    i, column = at, 0
    while i < len(text):
        name = header[column] if column < len(header) else ""
        if text[i] == '"':
            opened, close = i, text.find('"', i + 1)
            while close >= 0 and text.startswith('"', close + 1):  # "" is a quote inside the cell
                close = text.find('"', close + 2)
            if close < 0:
                return line_of(opened), name, ("CSV: the quote that opens this cell is never closed, so "
                                               "every line after it would be read into the cell; end the "
                                               'cell with a quote (a quote inside it is written "")')
            i = close + 1
            if i < len(text) and text[i] not in ",\r\n":
                ends = "" if line_of(close) == line_of(opened) else f" on line {line_of(close)}"
                return line_of(opened), name, (f"CSV: text after the quote that ends this quoted cell{ends}; "
                                               "only a cell that starts with a quote is quoted, and a "
                                               'quote inside it is written ""')
        end = _CELL_END.search(text, i)
        if end is None or end.group() != ",":
            return None
        i, column = end.end(), column + 1
    return None


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
    needed = ["type", "from", "to"] if node_type is None else \
        [p.name for p in node_type.all_props if p.required]
    if not text.strip():  # loading it would remove every node of the dataset
        parser.problem(1, "", f"CSV: the file is empty; its first line is a header naming the fields, "
                       f"such as {','.join(needed)} (to empty dataset {dataset!r} on purpose, give it "
                       "just that line)")
        return dataset, parser.out
    unknown: list[str] = []
    header_line, unnamed = 0, 0  # the header's line, and its first column without a name (1-based)

    def check_header(header: list[str], line: int) -> bool:
        """Problems of the header itself, reported once; False if no row can be read by it."""
        nonlocal header_line, unnamed
        header_line, unnamed = line, header.index("") + 1 if "" in header else 0
        known = set(known_fields(section))
        if not known.intersection(header):
            if any(part.strip() in known for cell in header if ";" in cell for part in cell.split(";")):
                parser.problem(line, "", "CSV: separate cells with commas; this header looks separated "
                               "by semicolons (in Excel, save as CSV UTF-8 (comma delimited))")
            else:
                parser.problem(line, "", "CSV: the first line must be a header naming the fields, such "
                               f"as {','.join(needed)}; this one names none")
            return False
        for column, times in Counter(header).items():
            if column and times > 1:
                parser.problem(line, column, f"the column {column!r} is in the header "
                               + ("twice" if times == 2 else f"{times} times") + "; give each column once")
        unknown.extend(c for c in dict.fromkeys(header) if c and c not in known)
        for column in unknown:
            parser.problem(line, column, unknown_field(section, column))
        return True

    for line, cells, too_many, lines in csv_rows(text, parser.problem, check_header):
        for column in unknown:  # reported at the header, not again for every row
            cells.pop(column, None)
        # a column without a name (a trailing comma in the header) may stay empty, as Excel leaves it
        if cells.pop("", None) is not None and unnamed:
            parser.problem(header_line, "", f"column {unnamed} has no name in the header, but the "
                           f"row on line {line} has a value in it; name the column or remove it")
            unnamed = 0  # reported once
        item = Mapping(cells)
        item.line, item.key_lines = line, lines
        if too_many:
            parser.problem(line, "", "more cells than the header has columns")
        if section == "relationships":
            parser.relationship_entry(item, line, f"row {line}")
        else:
            parser.node(node_type, item, line, f"row {line}")
    return dataset, parser.out


def read_all(paths: list[Path], start_progress: Callable[[int], Callable[[int], None]] | None = None
             ) -> tuple[Parsed, dict[str, str]]:
    """Parse every file; returns everything found and each dataset's file, in file order.
    `start_progress` is told the kilobytes to read, then each file's once it is read."""
    merged, datasets = Parsed(), {}
    files = find_files(paths)
    kilobytes = [max(1, path.stat().st_size // 1024) for path in files]
    advance = start_progress(sum(kilobytes)) if start_progress else None
    for path, size in zip(files, kilobytes):
        name = display_name(path)
        if path.suffix.lower() == ".csv":
            dataset, parsed = read_csv(path, name)
        else:
            doc, problems = read_yaml(path, name)
            dataset, parsed = parse_yaml_document(doc, name, path.stem) if not problems \
                else (path.stem, Parsed(problems=problems))
        if dataset in datasets:
            parsed.problems.append(Problem(Location(name, 1), "dataset",
                                           f"dataset {dataset!r} is also in {datasets[dataset]}; give each "
                                           "file its own `dataset:` name"))
        datasets.setdefault(dataset, name)
        merged.nodes += parsed.nodes
        merged.rels += parsed.rels
        merged.problems += parsed.problems
        if advance:
            advance(size)
    return merged, datasets
