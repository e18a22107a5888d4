"""The strawberry schema, built once from the model, and its SDL."""
from __future__ import annotations

import logging
from functools import lru_cache

import strawberry
from strawberry.extensions import QueryDepthLimiter

from .errors import MaskInternalErrors
from .root import build_query
from .types import NODE_TYPES

MAX_DEPTH = 16  # selection nesting; every relationship level is two (edges → node)


class Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[override]
        # MaskInternalErrors logged internal errors with their traceback; the rest are the client's.
        for error in errors:
            logging.getLogger("orggraph.api").debug("client error: %s", error.message)


@lru_cache(maxsize=1)
def get_schema() -> Schema:
    return Schema(query=build_query(), types=list(NODE_TYPES.values()),
                  extensions=[MaskInternalErrors, lambda: QueryDepthLimiter(max_depth=MAX_DEPTH)])


def sdl() -> str:
    """The GraphQL schema in SDL, as served at /graphql/schema.graphql."""
    return get_schema().as_str() + "\n"
