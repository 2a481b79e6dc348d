"""Offset -> (line, column) conversion shared by the text parsers."""

from __future__ import annotations

from bisect import bisect_right

from lpcheck.location import Location


class LineIndex:
    """Maps character offsets of one text to 1-based line/column Locations."""

    __slots__ = ("_starts", "path")

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts

    def loc(self, offset: int) -> Location:
        line = bisect_right(self._starts, offset)
        return Location(self.path, line, offset - self._starts[line - 1] + 1)
