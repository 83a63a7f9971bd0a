"""Helpers for tests that run pyuv_net programs as child processes."""
from __future__ import annotations

import selectors
from typing import IO, Dict

import conftest

DEADLINE = 15.0  # a safety net only: every wait ends on an event first


def child_env() -> Dict[str, str]:
    """The environment for a child that imports the same pyuv_net as the tests."""
    return conftest.child_env(PYTHONUNBUFFERED="1")  # type: ignore[no-any-return]


def read_line(stream: IO[bytes]) -> str:
    """The next line a child prints (fails instead of hanging if none comes)."""
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    try:
        if not selector.select(DEADLINE):
            raise AssertionError("the child printed nothing")
    finally:
        selector.close()
    return stream.readline().decode()


def listening_on(line: str) -> str:
    """The address at the end of a "...: listening on ADDRESS" line."""
    assert " listening on " in line, line
    return line.rsplit(" ", 1)[1].strip()
