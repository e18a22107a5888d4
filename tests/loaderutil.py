"""Helpers for the loader's input tests: the problems a check finds, where they are, a file."""
from __future__ import annotations

import pytest

from orggraph.loader.load import check
from orggraph.loader.problems import ValidationFailed


def problems_of(*paths) -> list:
    with pytest.raises(ValidationFailed) as caught:
        check(list(paths))
    return caught.value.problems


def where(problems) -> list[tuple[int, str]]:
    return [(p.where.line, p.field) for p in problems]


def write(path, text: str):
    path.write_text(text, encoding="utf-8", newline="")
    return path
