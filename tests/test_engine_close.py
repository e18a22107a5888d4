"""Closing an engine while another thread's statement still runs (a request whose answer was
given up: a sibling field failed, the client left) lets that statement finish first."""
from __future__ import annotations

import threading
import time

COUNT = "UNWIND range(1, $n) AS x RETURN count(x) AS n"
N = 20_000_000  # about half a second to a second on either engine


def test_close_waits_for_a_statement_still_running(engine):
    started, outcome = threading.Event(), {}

    def read() -> None:
        started.set()
        try:
            outcome["rows"] = engine.read(COUNT, {"n": N})
        except Exception as exc:  # noqa: BLE001 - what a broken connection raises is the finding
            outcome["error"] = repr(exc)

    reader = threading.Thread(target=read)
    reader.start()
    started.wait()
    time.sleep(0.1)  # the statement is running now
    begun = time.monotonic()
    engine.close()
    waited = time.monotonic() - begun
    reader.join(30)
    assert outcome == {"rows": [{"n": N}]}
    assert waited < engine.CLOSE_WAIT  # it waited for the statement, not for the limit
