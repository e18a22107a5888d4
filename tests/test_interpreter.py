"""orggraph.interpreter: process-wide settings held while long work runs, counted across threads."""
from __future__ import annotations

import gc
import sys
import threading

import pytest

from orggraph.interpreter import collector_paused, switching_every


def test_the_collector_is_enabled_again_only_when_the_last_overlapping_pause_ends():
    assert gc.isenabled()
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # ended first, in another order than begun
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_switch_interval_is_shortened_while_any_work_runs_and_restored_after():
    found = sys.getswitchinterval()
    done, inside = threading.Event(), threading.Event()

    def other() -> None:
        with switching_every(0.001):
            inside.set()
            done.wait(10)
    thread = threading.Thread(target=other)
    with switching_every(0.0005):
        thread.start()
        assert inside.wait(10)
        assert sys.getswitchinterval() == pytest.approx(0.0005)
    assert sys.getswitchinterval() == pytest.approx(0.001)  # the other work still runs
    done.set()
    thread.join(10)
    assert sys.getswitchinterval() == pytest.approx(found)
