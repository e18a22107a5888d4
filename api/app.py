"""The Starlette app: GraphQL over HTTP, GraphiQL, SDL download, health and readiness.

* `POST /graphql` with a JSON body `{query, variables?, operationName?}`.
* `GET /graphql?query=...` runs queries only; a mutation or subscription is 405.
  Opened by a browser (Accept: text/html, no query) it shows GraphiQL.
* Responses are `application/graphql-response+json` when the client accepts it
  (then a request that cannot execute — parse, validation or variable errors — is 400),
  otherwise `application/json` with 200, as the GraphQL-over-HTTP spec describes.
* `/graphql/schema.graphql`: the SDL (404 when introspection is off). `/healthz`: the
  process is up. `/readyz`: a trivial read on the engine answers, else 503 with a JSON reason;
  on LadybugDB it also says whether the line index is built (`lineIndex`).
* While the database cannot be reached (Neo4j stopped or restarting), GraphQL requests and
  charts are 503 with `Retry-After` and the code DATABASE_UNAVAILABLE, never a traceback; the
  driver reconnects by itself when the database is back.
* `Authorization: Bearer <jwt>` names the caller (auth.py); a token that does not verify
  is 401 before anything runs. Without the header the caller is an anonymous reader.
* Limits (limits.py) are checked before execution: a violation is 400 (413 for the body)
  with a message naming the limit and its value.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any

from graphql import DocumentNode, OperationType, get_operation_ast
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from orggraph.engine.base import Engine
from orggraph.errors import QueryTimeout
from orggraph.loader.yamlsource import SURROGATE
from orggraph.queries import line_index

from . import limits as limits_module
from .audit import AuditLog, default_path
from .auth import AuthConfig, AuthFailed
from .context import Context, Gate
from .errors import UNAVAILABLE, UNAVAILABLE_MESSAGE, is_unavailable
from .limits import LimitExceeded, Limits
from .schema import get_schema, run, sdl

GQL_RESPONSE, JSON = "application/graphql-response+json", "application/json"
READY_TIMEOUT = 5.0


def _media_type(request: Request) -> str | None:
    """The response type the client accepts; None if it accepts neither JSON type."""
    accept = request.headers.get("accept", "")
    if not accept.strip():
        return JSON
    types = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    if GQL_RESPONSE in types:
        return GQL_RESPONSE
    if any(t in (JSON, "application/*", "*/*") for t in types):
        return JSON
    return None


READS = ("GET", "HEAD")  # Starlette routes HEAD to a GET route: answer it as that GET would


def _wants_ide(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.method in READS and "text/html" in accept and "query" not in request.query_params


def _request_error(message: str, status: int, media: str, code: str, headers: dict | None = None) -> Response:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status,
                        headers=headers, media_type=media)


class _BadRequest(Exception):
    """A request that is not a usable GraphQL request over HTTP (BAD_REQUEST), or too big."""

    def __init__(self, message: str, status: int = 400, headers: dict | None = None, code: str = "BAD_REQUEST"):
        super().__init__(message)
        self.status, self.headers, self.code = status, headers, code


async def _body(request: Request, limits: Limits) -> bytes:
    """The request body, refused (413) as soon as it is known to be over the limit."""
    def too_big(size: str) -> _BadRequest:
        return _BadRequest(f"the request body ({size} bytes) exceeds the limit max_body_bytes = "
                           f"{limits.max_body_bytes} bytes (set {limits_module.ENV['max_body_bytes']} "
                           "to change it)", 413, code="LIMIT_EXCEEDED")

    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise too_big(declared)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limits.max_body_bytes:
            raise too_big(f"over {limits.max_body_bytes}")
    return bytes(body)


def _json_body(body: bytes) -> Any:
    try:
        text = body.decode("utf-8")  # JSON over HTTP is UTF-8 (RFC 8259), never guessed
    except UnicodeDecodeError as exc:
        raise _BadRequest(f"the request body is not valid UTF-8: byte 0x{body[exc.start]:02x} at "
                          f"offset {exc.start} ({exc.reason})") from None
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise _BadRequest(f"request body is not JSON: {exc}") from None
    except RecursionError:
        raise _BadRequest("request body is not usable JSON: it is nested too deeply") from None
    if "\\u" in text and _has_surrogate(raw):
        raise _BadRequest("the request body holds a \\uD800-\\uDFFF escape that is half a surrogate "
                          "pair, not a character")
    return raw


def _has_surrogate(value: Any) -> bool:
    """Whether any text in decoded JSON holds an unpaired surrogate (walked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and SURROGATE.search(item):
            return True
        if isinstance(item, dict):
            stack += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            stack += item
    return False


async def _params(request: Request, limits: Limits) -> tuple[str, dict | None, str | None]:
    if request.method in READS:
        raw = dict(request.query_params)
    else:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != JSON:
            raise _BadRequest("POST a JSON body with Content-Type: application/json", 415)
        raw = _json_body(await _body(request, limits))
        if not isinstance(raw, dict):
            raise _BadRequest("request body must be a JSON object")
    query, variables, operation = raw.get("query"), raw.get("variables"), raw.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise _BadRequest("the request has no query")
    if isinstance(variables, str):  # GET passes variables as a JSON string
        try:
            variables = json.loads(variables) if variables else None
        except ValueError:
            raise _BadRequest("variables must be a JSON object") from None
    if variables is not None and not isinstance(variables, dict):
        raise _BadRequest("variables must be a JSON object")
    if request.method in READS and variables and _has_surrogate(variables):
        raise _BadRequest("variables hold a \\uD800-\\uDFFF escape that is half a surrogate pair, "
                          "not a character")
    if operation is not None and not isinstance(operation, str):
        raise _BadRequest("operationName must be a string")
    extensions = raw.get("extensions")
    if isinstance(extensions, str) and request.method in READS:
        try:
            extensions = json.loads(extensions) if extensions else None
        except ValueError:
            raise _BadRequest("extensions must be a JSON object") from None
    if extensions is not None and not isinstance(extensions, dict):
        raise _BadRequest("extensions must be a JSON object")
    return query, variables, operation


def _only_queries_via_get(document: DocumentNode | None, operation: str | None) -> None:
    if document is None:
        return  # execution reports the syntax error with its location
    found = get_operation_ast(document, operation)
    if found is not None and found.operation != OperationType.QUERY:
        raise _BadRequest(f"a {found.operation.value} cannot run over GET: use POST", 405,
                          {"Allow": "POST"})


def _is_mutation(document: DocumentNode | None, operation: str | None) -> bool:
    found = get_operation_ast(document, operation) if document is not None else None
    return found is not None and found.operation == OperationType.MUTATION


RETRY = {"Retry-After": "5"}


def _unavailable(media: str) -> Response:
    """503 for a request the database could not serve: a clear message, no traceback, no data."""
    return JSONResponse({"errors": [{"message": UNAVAILABLE_MESSAGE, "extensions": {"code": UNAVAILABLE}}]},
                        503, headers=RETRY, media_type=media)


def _unauthorized(message: str, media: str) -> Response:
    # RFC 6750: say why in WWW-Authenticate too (quotes and backslashes cannot appear there).
    reason = message.replace("\\", "").replace('"', "'")
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]},
                        401, media_type=media,
                        headers={"WWW-Authenticate": f'Bearer realm="orggraph", error="invalid_token", '
                                                     f'error_description="{reason}"'})


# GraphiQL and its scripts ship inside the package (api/static/graphiql), not from a CDN.
GRAPHIQL = Path(__file__).resolve().parent / "static" / "graphiql" / "index.html"

# Whole-number options each chart takes from the query string.
CHART_INTS = {"org": ("depth", "max_children"), "deps": ("steps", "max_group"),
              "forums": ("depth",), "hearing": ("depth",)}


def create_app(engine: Engine, *, auth: AuthConfig | None = None, limits: Limits | None = None,
               audit: AuditLog | Path | None = None) -> Starlette:
    """The app on one engine. Token keys, limits and the audit log default to the environment
    (AuthConfig.from_env, Limits.from_env, audit.default_path)."""
    gate = Gate(engine)
    schema = get_schema()
    auth = auth if auth is not None else AuthConfig.from_env()
    limits = limits if limits is not None else Limits.from_env()
    audit_log = audit if isinstance(audit, AuditLog) else AuditLog(audit or default_path(engine))

    async def graphql(request: Request) -> Response:
        if _wants_ide(request):
            return HTMLResponse(GRAPHIQL.read_text(encoding="utf-8"))
        media = _media_type(request)
        if media is None:
            return PlainTextResponse(f"cannot answer in the accepted types; accept {GQL_RESPONSE} "
                                     f"or {JSON}", 406)
        try:
            principal = auth.principal(request.headers.get("authorization"))
        except AuthFailed as exc:
            return _unauthorized(str(exc), media)
        try:
            query, variables, operation = await _params(request, limits)
            document = limits_module.parse_within(query, limits)
            if request.method in READS:
                _only_queries_via_get(document, operation)
            if document is not None:
                try:
                    limits_module.check(schema._schema, document, operation, variables, limits)
                except LimitExceeded:
                    raise
                except Exception:  # noqa: BLE001 - a bug in the estimate must not block requests
                    logging.getLogger("orggraph.api").exception("the limits check failed; executing anyway")
        except _BadRequest as exc:
            return _request_error(str(exc), exc.status, media, exc.code, exc.headers)
        except LimitExceeded as exc:
            return _request_error(str(exc), exc.status, media, "LIMIT_EXCEEDED")
        writes = _is_mutation(document, operation)
        # Reads carry the deadline to the database, which stops a statement still running then.
        deadline = None if writes else time.monotonic() + limits.max_query_seconds
        running = run(query, document, variables=variables, operation=operation,
                      context=Context(gate.until(deadline), principal=principal, audit=audit_log))

        def too_long() -> Response:
            return _request_error(
                f"the query ran longer than the limit max_query_seconds = {limits.max_query_seconds:g} s "
                f"(set {limits_module.ENV['max_query_seconds']} to change it); ask for less, e.g. "
                "smaller pages or fewer levels", 400, media, "TIMEOUT")
        if writes:
            result = await running  # a write is never abandoned half-way: its transaction decides
        else:
            try:
                # asyncio.timeout, not wait_for: no task of its own for every request
                async with asyncio.timeout(limits.max_query_seconds):
                    result = await running
            except TimeoutError:
                return too_long()
            if any(isinstance(e.original_error, QueryTimeout) for e in result.errors or ()):
                return too_long()
        if any((e.extensions or {}).get("code") == UNAVAILABLE for e in result.errors or ()):
            return _unavailable(media)
        payload: dict[str, Any] = {}
        if result.errors:
            payload["errors"] = [error.formatted for error in result.errors]
        # A request error (syntax, validation, variables: errors without a path) means
        # execution never started: no `data` entry, and 400 under graphql-response+json.
        request_error = result.data is None and all(e.path is None for e in result.errors or ())
        if not request_error:
            payload["data"] = result.data
        status = 400 if media == GQL_RESPONSE and request_error else 200
        return JSONResponse(payload, status, media_type=media)

    async def schema_sdl(request: Request) -> Response:
        if not limits.introspection:
            return PlainTextResponse(f"the schema is not published: introspection is switched off "
                                     f"({limits_module.ENV['introspection']}=off)", 404)
        return PlainTextResponse(sdl(), headers={"Content-Disposition": 'inline; filename="schema.graphql"'})

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            await asyncio.wait_for(gate.in_thread(gate.ping), READY_TIMEOUT)
        except asyncio.TimeoutError:
            return JSONResponse({"status": "unavailable",
                                 "reason": f"the database did not answer within {READY_TIMEOUT:g}s"}, 503,
                                headers=RETRY)
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            reason = UNAVAILABLE_MESSAGE if is_unavailable(exc) else f"{type(exc).__name__}: {exc}"[:500]
            return JSONResponse({"status": "unavailable", "reason": reason}, 503, headers=RETRY)
        body = {"status": "ready", "engine": engine.describe()}
        index = line_index.status(engine)
        if index is not None:  # ready either way: questions run their statements until it is built
            body["lineIndex"] = index
        return JSONResponse(body)

    async def chart(request: Request) -> Response:
        """`/charts/{kind}/{id}.{format}?asOf=…&depth=…&steps=…&from=…&to=…`: one chart as a file."""
        from orggraph.viz import KINDS, MEDIA_TYPES, ChartError, render
        kind, node_id, fmt = (request.path_params[k] for k in ("kind", "node_id", "fmt"))
        if kind not in KINDS or fmt not in MEDIA_TYPES:
            return JSONResponse({"error": f"no chart {kind}/{fmt}: kinds {', '.join(KINDS)}, "
                                          f"formats {', '.join(MEDIA_TYPES)}"}, 404)
        query = request.query_params
        opts: dict[str, Any] = {}
        try:
            for name in CHART_INTS.get(kind, ()):
                if name in query:
                    opts[name] = int(query[name])
        except ValueError:
            return JSONResponse({"error": f"{name} must be a whole number"}, 400)
        if kind == "diff":
            opts.update(date_from=query.get("from"), date_to=query.get("to"))
        try:
            body = await gate.in_thread(gate._call, render, kind, engine, node_id,
                                        query.get("asOf"), fmt, **opts)
        except ChartError as exc:
            status = 404 if "no node" in str(exc) or "not found" in str(exc) else 400
            return JSONResponse({"error": str(exc)}, status)
        except Exception as exc:
            if is_unavailable(exc):
                return JSONResponse({"error": UNAVAILABLE_MESSAGE}, 503, headers=RETRY)
            raise
        return Response(body, media_type=MEDIA_TYPES[fmt])

    app = Starlette(routes=[
        Route("/graphql", graphql, methods=["GET", "POST"]),  # first: routes are matched in order
        Mount("/static/graphiql", StaticFiles(directory=str(GRAPHIQL.parent)), name="graphiql"),
        Route("/charts/{kind}/{node_id}.{fmt}", chart, methods=["GET"]),
        Route("/graphql/schema.graphql", schema_sdl, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ])
    app.state.gate = gate
    app.state.auth, app.state.limits, app.state.audit = auth, limits, audit_log
    return app
