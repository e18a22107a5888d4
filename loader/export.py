"""Write the graph (or what held on one date) back out in the loader's YAML format.

One file per dataset, so `orggraph load` of the export rebuilds the same graph:
nodes in their sections, relationships in a `relationships:` list, every fact
with its own period and source.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from orggraph.engine.base import Engine
from orggraph.errors import OrggraphError
from orggraph.schema import NODES, RELS

from .folder import output_folder
from .items import LOADER_SET


def _valid_on(row: dict, day: dt.date | None, prefix: str = "") -> bool:
    if day is None:
        return True
    start, end = row.get(prefix + "valid_from"), row.get(prefix + "valid_to")
    return (start is None or start <= day) and (end is None or end >= day)


def collect(engine: Engine, as_of: dt.date | None = None) -> dict[str, dict[str, list]]:
    """dataset → section → entries, read straight from the graph."""
    out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    kept: set[str] = set()
    for node in NODES:
        columns = ", ".join(f"n.{p.name} AS {p.name}" for p in node.all_props)
        for row in engine.read(f"MATCH (n:{node.label}) RETURN {columns} ORDER BY n.id"):
            if not _valid_on(row, as_of):
                continue
            kept.add(row["id"])
            entry = {k: v for k, v in row.items() if v is not None and k not in LOADER_SET}
            if node.starts_on and "valid_from" in entry and entry["valid_from"] == entry.get(node.starts_on):
                del entry["valid_from"]  # the loader derives it again
            out[row.get("dataset") or "exported"][node.section].append(entry)
    for rel in RELS:
        columns = ", ".join(f"r.{p.name} AS {p.name}" for p in rel.all_props)
        rows = engine.read(f"MATCH (a)-[r:{rel.name}]->(b) RETURN a.id AS `from`, b.id AS `to`, {columns} "
                           "ORDER BY `from`, `to`")
        for row in rows:
            if row["from"] not in kept or row["to"] not in kept or not _valid_on(row, as_of):
                continue
            entry = {"type": rel.name, **{k: v for k, v in row.items()
                                          if v is not None and k not in LOADER_SET}}
            out[row.get("dataset") or "exported"]["relationships"].append(entry)
    return out


_PLAIN = re.compile(r"\w[\w.-]*")  # a dataset name that is a file name as it is
_LONGEST = 200  # bytes of a plain name kept as the file name (a file name may have 255)


def file_names(datasets: list[str]) -> dict[str, str]:
    """A file name per dataset: the name itself where it is plain, otherwise a cleaned, shortened
    one with a hash of the whole name. Never hidden, never too long, and unique even where the file
    system ignores case; the file's `dataset:` keeps the name, so loading it back restores it."""
    def tagged(dataset: str) -> str:
        stem = re.sub(r"[^\w.-]+", "_", dataset).lstrip("._-")[:40] or "dataset"
        return f"{stem}-{hashlib.sha256(dataset.encode()).hexdigest()[:10]}.yaml"

    names: dict[str, str] = {}
    taken: set[str] = set()
    # plain names first, so they keep theirs
    for dataset in sorted(datasets, key=lambda d: (not _PLAIN.fullmatch(d), d)):
        plain = _PLAIN.fullmatch(dataset) and len(dataset.encode()) <= _LONGEST
        name = dataset + ".yaml" if plain else tagged(dataset)
        if name.lower() in taken:
            name = tagged(dataset)
        while name.lower() in taken:  # only a name made to collide with a hash gets here
            name = "_" + name
        taken.add(name.lower())
        names[dataset] = name
    return names


def export(engine: Engine, folder: Path, as_of: dt.date | None = None) -> dict[str, int]:
    """Write one YAML file per dataset into `folder`; returns entries per file."""
    collected = sorted(collect(engine, as_of).items())
    names = file_names([dataset for dataset, _ in collected])
    ours = set(names.values())
    output_folder(folder, lambda path: path.name in ours)  # a second export into it overwrites
    written = {}
    for dataset, sections in collected:
        doc: dict[str, Any] = {"dataset": dataset}
        if as_of:
            doc["description"] = f"exported from orggraph as of {as_of.isoformat()}"
        doc.update(sections)
        name = names[dataset]
        _write(folder / name, yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=110))
        written[name] = sum(len(v) for v in sections.values())
    return written


def _write(path: Path, text: str) -> None:
    """Write beside, then rename: a reader never sees half a file, and a failure leaves none. The
    file's mode follows the umask, as any file the user writes."""
    temporary = path.with_name(f".export-{os.getpid()}-{secrets.token_hex(4)}.yaml")
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OrggraphError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
