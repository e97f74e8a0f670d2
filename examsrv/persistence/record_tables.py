"""The tables of certification record."""

from __future__ import annotations
