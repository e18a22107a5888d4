"""Interpreter settings that long Python work changes while it runs: the cyclic garbage collector
and the thread switch interval. Both are process-wide, so each is counted: work running in two
threads at once leaves the setting as it found it only when the last of them ends."""
from __future__ import annotations

import gc
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_paused = 0  # works holding the collector paused
_collector_was_enabled = True
_asked: list[float] = []  # the intervals the works running now asked for
_interval_found = 0.005


@contextmanager
def collector_paused() -> Iterator[None]:
    """A load, or a build of the line index, makes hundreds of thousands of small objects that
    all stay alive until it ends; the cyclic garbage collector would walk them over and over and
    find nothing to free (at scale 0.25 ~25 % of reading a load; at full scale 26 full collections
    in a line index build, 17–22 s against 13 s paused)."""
    global _paused, _collector_was_enabled
    with _lock:
        if _paused == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _collector_was_enabled:
                gc.enable()


@contextmanager
def switching_every(seconds: float) -> Iterator[None]:
    """Python work that holds the GIL for long (a build of the line index behind a server) makes
    every other thread wait up to the switch interval (5 ms by default) each time it wants the GIL
    back, many times per request; a shorter interval while it runs keeps requests answering. While
    several run, the shortest asked for holds; after the last, the interval found before the first."""
    global _interval_found
    with _lock:
        if not _asked:
            _interval_found = sys.getswitchinterval()
        _asked.append(seconds)
        sys.setswitchinterval(min(min(_asked), _interval_found))
    try:
        yield
    finally:
        with _lock:
            _asked.remove(seconds)
            sys.setswitchinterval(min(min(_asked), _interval_found) if _asked else _interval_found)
