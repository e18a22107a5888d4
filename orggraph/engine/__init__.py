"""Open the configured engine: `open_engine()` reads --engine / ORGGRAPH_ENGINE and friends."""
from __future__ import annotations

from orggraph.config import Settings

from .base import Engine, Tx


def open_engine(settings: Settings | None = None, ensure_schema: bool = True) -> Engine:
    settings = settings or Settings.from_env()
    if settings.engine == "neo4j":
        from .neo4j import Neo4jEngine
        engine: Engine = Neo4jEngine(settings.neo4j_uri, settings.neo4j_user,
                                     settings.neo4j_password, settings.neo4j_database)
    else:
        from .embedded import EmbeddedEngine
        engine = EmbeddedEngine(settings.db_path)
    if ensure_schema:
        try:
            engine.ensure_schema()
        except BaseException:
            engine.close()
            raise
    return engine


__all__ = ["Engine", "Tx", "open_engine"]
