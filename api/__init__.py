"""The GraphQL API (issue 5): types generated from schema/model.py, served by Starlette.

`create_app(engine)` builds the ASGI app; `sdl()` prints the schema;
`serve(...)` runs it under uvicorn (the `orggraph serve` command).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from orggraph.engine.base import Engine


def sdl() -> str:
    from .schema import sdl as _sdl
    return _sdl()


def create_app(engine: "Engine", **options: Any) -> "Starlette":
    """Options: auth (AuthConfig), limits (Limits), audit (AuditLog or a path); each defaults
    to the environment, see docs/API.md."""
    from .app import create_app as _create
    return _create(engine, **options)


def serve(*args: Any, **kwargs: Any) -> None:
    from .server import serve as _serve
    _serve(*args, **kwargs)


__all__ = ["create_app", "sdl", "serve"]
