"""Source positions shared by every layer, so a finding can point at the exact element."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A 1-based line and column in a file; ``path`` is the path as the scan saw it."""

    path: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def with_path(self, path: str) -> Location:
        return Location(path, self.line, self.column)
