"""gc_watch: slow garbage collections are logged, once per collection, by one callback."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator

import pytest

from examsrv import gc_watch


@pytest.fixture
def clean_callbacks() -> Iterator[None]:
    yield
    gc.callbacks[:] = [cb for cb in gc.callbacks if not getattr(cb, "__examsrv__", False)]


def test_a_collection_slower_than_the_limit_is_logged(
    clean_callbacks: None, caplog: pytest.LogCaptureFixture
) -> None:
    gc_watch.watch(slow_ms=0.0)
    gc_watch.watch(slow_ms=0.0)  # a second call adds nothing
    assert sum(getattr(cb, "__examsrv__", False) for cb in gc.callbacks) == 1
    with caplog.at_level(logging.WARNING, logger="examsrv.gc"):
        gc.collect()
    slow = [r.getMessage() for r in caplog.records if r.name == "examsrv.gc"]
    # gc.collect() is a full collection; automatic young ones may be logged beside it
    assert any(m.startswith("garbage collection of generation 2 took") for m in slow), slow


def test_fast_collections_are_not_logged(
    clean_callbacks: None, caplog: pytest.LogCaptureFixture
) -> None:
    gc_watch.watch(slow_ms=60_000.0)
    with caplog.at_level(logging.WARNING, logger="examsrv.gc"):
        gc.collect()
    assert not [r for r in caplog.records if r.name == "examsrv.gc"]
