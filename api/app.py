"""The Starlette app: GraphQL over HTTP, GraphiQL, SDL download, health and readiness.

* `POST /graphql` with a JSON body `{query, variables?, operationName?}`.
* `GET /graphql?query=...` runs queries only; a mutation or subscription is 405.
  Opened by a browser (Accept: text/html, no query) it shows GraphiQL.
* Responses are `application/graphql-response+json` when the client accepts it
  (then a request that cannot execute — parse, validation or variable errors — is 400),
  otherwise `application/json` with 200, as the GraphQL-over-HTTP spec describes.
* `/graphql/schema.graphql`: the SDL. `/healthz`: the process is up.
  `/readyz`: a trivial read on the engine answers, else 503 with a JSON reason.
"""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from orggraph.engine.base import Engine

from .context import Context, Gate
from .schema import get_schema, sdl

GQL_RESPONSE, JSON = "application/graphql-response+json", "application/json"
MAX_BODY = 1_000_000
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


def _wants_ide(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.method == "GET" and "text/html" in accept and "query" not in request.query_params


def _request_error(message: str, status: int, media: str, headers: dict | None = None) -> Response:
    return JSONResponse({"errors": [{"message": message}]}, status, headers=headers, media_type=media)


class _BadRequest(Exception):
    def __init__(self, message: str, status: int = 400, headers: dict | None = None):
        super().__init__(message)
        self.status, self.headers = status, headers


async def _params(request: Request) -> tuple[str, dict | None, str | None]:
    if request.method == "GET":
        raw = dict(request.query_params)
    else:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != JSON:
            raise _BadRequest("POST a JSON body with Content-Type: application/json", 415)
        body = await request.body()
        if len(body) > MAX_BODY:
            raise _BadRequest(f"request body larger than {MAX_BODY} bytes", 413)
        try:
            raw = json.loads(body)
        except ValueError as exc:
            raise _BadRequest(f"request body is not JSON: {exc}") from None
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
    if operation is not None and not isinstance(operation, str):
        raise _BadRequest("operationName must be a string")
    extensions = raw.get("extensions")
    if isinstance(extensions, str) and request.method == "GET":
        try:
            extensions = json.loads(extensions) if extensions else None
        except ValueError:
            raise _BadRequest("extensions must be a JSON object") from None
    if extensions is not None and not isinstance(extensions, dict):
        raise _BadRequest("extensions must be a JSON object")
    return query, variables, operation


def _only_queries_via_get(query: str, operation: str | None) -> None:
    try:
        document = parse(query)
    except GraphQLError:
        return  # execution reports the syntax error with its location
    found = get_operation_ast(document, operation)
    if found is not None and found.operation != OperationType.QUERY:
        raise _BadRequest(f"a {found.operation.value} cannot run over GET: use POST", 405,
                          {"Allow": "POST"})


# GraphiQL and its scripts ship inside the package (api/static/graphiql), not from a CDN.
GRAPHIQL = Path(__file__).resolve().parent / "static" / "graphiql" / "index.html"

# Whole-number options each chart takes from the query string.
CHART_INTS = {"org": ("depth", "max_children"), "deps": ("steps", "max_group"),
              "forums": ("depth",), "hearing": ("depth",)}


def create_app(engine: Engine) -> Starlette:
    gate = Gate(engine)
    schema = get_schema()

    async def graphql(request: Request) -> Response:
        if _wants_ide(request):
            return HTMLResponse(GRAPHIQL.read_text(encoding="utf-8"))
        media = _media_type(request)
        if media is None:
            return PlainTextResponse(f"cannot answer in the accepted types; accept {GQL_RESPONSE} "
                                     f"or {JSON}", 406)
        try:
            query, variables, operation = await _params(request)
            if request.method == "GET":
                _only_queries_via_get(query, operation)
        except _BadRequest as exc:
            return _request_error(str(exc), exc.status, media, exc.headers)
        result = await schema.execute(query, variable_values=variables, operation_name=operation,
                                      context_value=Context(gate))
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
        return PlainTextResponse(sdl(), headers={"Content-Disposition": 'inline; filename="schema.graphql"'})

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            await asyncio.wait_for(run_in_threadpool(gate.ping), READY_TIMEOUT)
        except asyncio.TimeoutError:
            return JSONResponse({"status": "unavailable",
                                 "reason": f"the database did not answer within {READY_TIMEOUT:g}s"}, 503)
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            reason = f"{type(exc).__name__}: {exc}"[:500]
            return JSONResponse({"status": "unavailable", "reason": reason}, 503)
        return JSONResponse({"status": "ready", "engine": engine.describe()})

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
            body = await run_in_threadpool(gate._call, render, kind, engine, node_id,
                                           query.get("asOf"), fmt, **opts)
        except ChartError as exc:
            status = 404 if "no node" in str(exc) or "not found" in str(exc) else 400
            return JSONResponse({"error": str(exc)}, status)
        return Response(body, media_type=MEDIA_TYPES[fmt])

    app = Starlette(routes=[
        Mount("/static/graphiql", StaticFiles(directory=str(GRAPHIQL.parent)), name="graphiql"),
        Route("/charts/{kind}/{node_id}.{fmt}", chart, methods=["GET"]),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/graphql/schema.graphql", schema_sdl, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ])
    app.state.gate = gate
    return app
