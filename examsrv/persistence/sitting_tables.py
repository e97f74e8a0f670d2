"""The tables of proctored sittings."""

from __future__ import annotations
