from __future__ import annotations

from collections.abc import Iterator

import pytest

from examsrv.i18n import use_locale


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The rules' messages are English message ids; compare them untranslated."""
    with use_locale("en"):
        yield
