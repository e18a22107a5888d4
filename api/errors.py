"""Which errors reach clients: input mistakes do, with their path; anything else is masked.

Masked errors are logged in full (with traceback) on the `orggraph.api` logger
and reach the client as "internal error" with the same path and locations.
"""
from __future__ import annotations

import logging
import re

from graphql import GraphQLError

from orggraph.errors import DatabaseUnavailable, OrggraphError, QueryError, QueryTimeout

log = logging.getLogger("orggraph.api")
INTERNAL = "internal error"
UNAVAILABLE = "DATABASE_UNAVAILABLE"
UNAVAILABLE_MESSAGE = "the database is unavailable (not reachable, or restarting); try again shortly"


def is_unavailable(exc: BaseException | None) -> bool:
    """True when `exc` means the database cannot be reached (the client gets 503, not 500)."""
    from neo4j.exceptions import ServiceUnavailable, SessionExpired
    if isinstance(exc, (DatabaseUnavailable, ServiceUnavailable, SessionExpired)):
        return True
    # a server that is starting or stopping answers Neo.TransientError.General.DatabaseUnavailable
    return str(getattr(exc, "code", "") or "").endswith(".DatabaseUnavailable")


class BadInput(OrggraphError):
    """The client asked for something invalid (bad cursor, page size, depth ...)."""

    exit_code = 2


class InvalidWrite(OrggraphError):
    """A mutation's input breaks the loader's rules; nothing was written.

    `problems` are (field path, message) pairs; each becomes its own GraphQL error
    with the mutation's path, `extensions.field` (e.g. "input.validTo") and a message
    that starts with the field in brackets, as the loader's messages do.
    """

    exit_code = 2

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"[{f}] {m}" if f else m for f, m in problems))


def is_client_error(error: GraphQLError) -> bool:
    original = error.original_error
    if error.path and _ANSWER_BROKEN.match(error.message):
        return False  # the server's answer does not fit its own schema: a bug, never the client's
    # No original error: a parse or validation error from graphql-core itself.
    from .auth import NotAllowed
    return original is None or isinstance(original, (BadInput, InvalidWrite, NotAllowed, QueryError,
                                                     QueryTimeout, GraphQLError))


# graphql-core serialising a value a resolver returned (at a path) that its scalar cannot represent,
# such as an infinite Float; an input value that does not fit is refused without a path. (A null in
# a non-null field is a TypeError, masked anyway.)
_ANSWER_BROKEN = re.compile(r"\w+ cannot represent ")


class NotFound(BadInput):
    """An id the graph has never held, on any date (one it held on other dates answers empty)."""


def _code(error: GraphQLError) -> str:
    """extensions.code for a client error, so clients can tell kinds apart without reading text."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        # graphql-core's own: a document that does not parse, or does not fit the schema
        return "GRAPHQL_PARSE_FAILED" if error.message.startswith("Syntax Error") else "GRAPHQL_VALIDATION_FAILED"
    if isinstance(original, NotFound):
        return "NOT_FOUND"
    if isinstance(original, QueryTimeout):
        return "TIMEOUT"
    return "BAD_USER_INPUT"


def _expand(error: GraphQLError) -> list[GraphQLError]:
    """One GraphQL error per problem of an InvalidWrite; other errors as they are, with a code."""
    original = error.original_error
    if not isinstance(original, InvalidWrite):
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": _code(error)}
        return [error]
    return [GraphQLError(f"[{field}] {message}" if field else message, nodes=error.nodes,
                         source=error.source, positions=error.positions, path=error.path,
                         extensions={"code": "BAD_USER_INPUT", "field": field})
            for field, message in original.problems]


def masked(errors: list[GraphQLError]) -> list[GraphQLError]:
    """The errors a client sees: its own mistakes as they are (an InvalidWrite as one error per
    problem), the database being unavailable as UNAVAILABLE, anything else as "internal error"
    with its path, logged in full."""
    shown = []
    for error in errors:
        if is_client_error(error):
            log.debug("client error: %s", error.message)
            shown.extend(_expand(error))
            continue
        original = error.original_error
        if is_unavailable(original):  # expected while the server restarts: no traceback
            log.warning("database unavailable at %s: %s", ".".join(map(str, error.path or [])) or "-",
                        original)
            shown.append(GraphQLError(UNAVAILABLE_MESSAGE, nodes=error.nodes, source=error.source,
                                      positions=error.positions, path=error.path,
                                      extensions={"code": UNAVAILABLE}))
            continue
        log.error("internal error at %s: %s", ".".join(map(str, error.path or [])) or "-",
                  original, exc_info=(type(original), original, original.__traceback__))
        shown.append(GraphQLError(INTERNAL, nodes=error.nodes, source=error.source,
                                  positions=error.positions, path=error.path,
                                  extensions={"code": "INTERNAL"}))
    return shown
