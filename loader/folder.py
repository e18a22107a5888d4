"""The folder `orggraph export` and `orggraph generate` write loader files into."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from orggraph.errors import UsageError

from .read import is_loader_file


def output_folder(folder: Path, ours: Callable[[Path], bool]) -> None:
    """Make `folder` ready for the files a command writes, before it writes any: refuse a path that
    is a file, a folder that cannot be made, and one holding loader files the command would not
    write (`ours` says which it would), because `orggraph load <folder>` would load those too."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; give a folder to write into")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot make the folder {folder}: {exc.strerror}") from None
    # the files `orggraph load <folder>` reads (read.find_files)
    others = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if is_loader_file(p) and not ours(p))
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        raise UsageError(f"{folder} already holds other loader files ({shown}); loading the folder "
                         "would load them too: write into an empty folder, or remove them first")
