"""Running the app: `serve` for the CLI, `running` for tests and embedding.

The server owns one engine for its whole life (the embedded database allows
one process) and closes it on shutdown.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import uvicorn

from orggraph.config import Settings

log = logging.getLogger("orggraph.api")


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000,
          load_paths: Sequence[Path] = ()) -> None:
    from orggraph.engine import open_engine
    from orggraph.queries import line_index

    from .app import create_app
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = open_engine(settings)
    try:
        if load_paths:
            from orggraph.loader.load import load
            report = load(engine, list(load_paths))
            log.info("loaded %d nodes and %d relationships from %s", report.nodes,
                     report.relationships, ", ".join(report.datasets))
        app = create_app(engine)  # tokens, limits and the audit log from the environment
        # LadybugDB's line index (seconds to build at national scale) is built behind the server,
        # never inside a request: questions run their statements until it is there
        line_index.build_in_background(engine)
        log.info("serving %s on http://%s:%d/graphql", engine.describe(), host, port)
        log.info("auth: %s; audit log: %s; introspection %s", app.state.auth.describe(),
                 app.state.audit.path, "on" if app.state.limits.introspection else "off")
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        engine.close()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@contextmanager
def running(app, host: str = "127.0.0.1", port: int | None = None) -> Iterator[str]:
    """Serve `app` with uvicorn in a background thread; yields the base URL."""
    port = port or free_port(host)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start on {host}:{port}")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
