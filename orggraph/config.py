"""Engine choice and connection settings: one place, from arguments or the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

ENGINES = ("embedded", "neo4j")


def default_db_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "orggraph" / "graph.lbdb"


@dataclass(frozen=True)
class Settings:
    engine: str = "embedded"
    db_path: Path = default_db_path()
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"

    @classmethod
    def from_env(cls, engine: str | None = None, db_path: str | Path | None = None) -> "Settings":
        env = os.environ
        chosen = (engine or env.get("ORGGRAPH_ENGINE") or "embedded").lower()
        if chosen not in ENGINES:
            raise UsageError(f"unknown engine {chosen!r}: choose one of {', '.join(ENGINES)} "
                                "(--engine or ORGGRAPH_ENGINE)")
        return cls(
            engine=chosen,
            db_path=Path(db_path or env.get("ORGGRAPH_DB") or default_db_path()).expanduser(),
            neo4j_uri=env.get("NEO4J_URI", cls.neo4j_uri),
            neo4j_user=env.get("NEO4J_USER", cls.neo4j_user),
            neo4j_password=env.get("NEO4J_PASSWORD", cls.neo4j_password),
            neo4j_database=env.get("NEO4J_DATABASE", cls.neo4j_database),
        )

    def describe(self) -> str:
        if self.engine == "neo4j":
            return f"Neo4j at {self.neo4j_uri} (database {self.neo4j_database})"
        return f"embedded LadybugDB at {self.db_path}"
