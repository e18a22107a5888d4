"""Which errors reach clients: input mistakes do, with their path; anything else is masked.

Masked errors are logged in full (with traceback) on the `orggraph.api` logger
and reach the client as "internal error" with the same path and locations.
"""
from __future__ import annotations

import logging
from typing import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from orggraph.errors import OrggraphError, QueryError

log = logging.getLogger("orggraph.api")
INTERNAL = "internal error"


class BadInput(OrggraphError):
    """The client asked for something invalid (bad cursor, page size, depth ...)."""

    exit_code = 2


def is_client_error(error: GraphQLError) -> bool:
    original = error.original_error
    # No original error: a parse or validation error from graphql-core itself.
    return original is None or isinstance(original, (BadInput, QueryError, GraphQLError))


class MaskInternalErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if not errors:
            return
        masked = []
        for error in errors:
            if is_client_error(error):
                masked.append(error)
                continue
            original = error.original_error
            log.error("internal error at %s: %s", ".".join(map(str, error.path or [])) or "-",
                      original, exc_info=(type(original), original, original.__traceback__))
            masked.append(GraphQLError(INTERNAL, nodes=error.nodes, source=error.source,
                                       positions=error.positions, path=error.path,
                                       extensions={"code": "INTERNAL"}))
        result.errors = masked
