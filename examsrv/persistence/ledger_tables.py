"""The tables of points ledger and appeals."""

from __future__ import annotations
