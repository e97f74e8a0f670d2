"""The tables of hr webhook outbox."""

from __future__ import annotations
