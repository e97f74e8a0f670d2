"""Pagination of long lists."""

from __future__ import annotations

from dataclasses import dataclass, replace

from starlette.requests import Request


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    total: int = 0

    @classmethod
    def from_request(cls, request: Request, size: int = 50) -> Page:
        try:
            number = max(1, min(int(request.query_params.get("page", "1")), 100_000))
        except ValueError:
            number = 1
        return cls(number, size)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def with_total(self, total: int) -> Page:
        return replace(self, total=total)
