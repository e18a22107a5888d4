"""Where something is in an input file, and what is wrong there."""
from __future__ import annotations

from dataclasses import dataclass

from orggraph.errors import OrggraphError


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


#: where a fact already in the graph "is", for problems and items that come from there
STORED = Location("the database")


@dataclass(frozen=True, order=True)
class Problem:
    where: Location
    field: str
    message: str

    def __str__(self) -> str:
        field = f" [{self.field}]" if self.field else ""
        return f"{self.where}{field}: {self.message}"


class ValidationFailed(OrggraphError):
    """The input has problems; nothing was written."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"{len(self.problems)} {noun} found; nothing was written:\n"
                         + "\n".join(f"  {p}" for p in self.problems))
