"""A ranking table's lines in the monthly bulletin: one ``Line`` per unit, made from the run's rows
as they are read, and kept on disk between readings so that a province's thousands of units are not
held in memory while the workbook and the document go through them."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from common.figures import shown_pct

from ..rules import completion_rate_pct, growth_pct


@dataclass(frozen=True, slots=True)
class Line:
    """One row of a ranking table: a unit, or the group's 合计 (``serial`` and ``rank`` None)."""

    serial: int | None
    unit: str
    target: Decimal | None
    ytd_completed: Decimal | None
    completion_pct: Decimal | None
    time_progress_pct: Decimal
    progress_gap_pct: Decimal | None
    baseline: Decimal | None
    growth_pct: Decimal | None
    score: Decimal | None
    rank: int | None
    note: str
    is_bottom: bool = False


ROW_SPOOL_CHUNK = 100  # rows kept on disk in chunks this long, and read back a chunk at a time


class GroupLines:
    """A ranking table's unit lines, kept on disk rather than in memory: a province ranks 2,000
    units, and the workbook and the document go through them one by one, the workbook twice (once to
    fit its columns). ``group_table`` reads the run's rows once and keeps them as they came, in a
    temporary file, so every reading gives the same lines in the same order; each line is made as
    it is read. The file is removed when the lines are collected."""

    def __init__(self, *, time_progress: Decimal, composite: bool) -> None:
        self._time_progress = time_progress
        self._composite = composite
        self._file = tempfile.TemporaryFile()  # noqa: SIM115
        self._chunk: list[tuple] = []
        self._count = 0
        self._end: int | None = None

    def append(self, row: tuple) -> None:
        """One of the run's rows, a tuple of ``BULLETIN_ROW_FIELDS``, in the order ``rank`` prints."""
        self._chunk.append(row)
        self._count += 1
        if len(self._chunk) == ROW_SPOOL_CHUNK:
            self._write_chunk()

    def seal(self) -> GroupLines:
        """No more rows: from now on the lines can be read, as often as needed."""
        self._write_chunk()
        self._end = self._file.tell()
        return self

    def _write_chunk(self) -> None:
        if self._chunk:
            pickle.dump(self._chunk, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._chunk = []

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Line]:
        if self._end is None:
            raise RuntimeError("GroupLines read before it was sealed")
        serial, offset = 0, 0
        while offset < self._end:
            # Each reading keeps its own place: two readings may take turns.
            self._file.seek(offset)
            rows = pickle.load(self._file)  # the file this object wrote
            offset = self._file.tell()
            for name, _kind, target, ytd, baseline, value, rank, note, is_bottom, _status, _returned in rows:
                serial += 1
                yield ranking_line(
                    serial=serial,
                    unit=name,
                    target=target,
                    ytd=ytd,
                    baseline=baseline,
                    time_progress=self._time_progress,
                    score=value if self._composite else None,
                    rank=rank,
                    note=note,
                    is_bottom=is_bottom,
                )


def ranking_line(
    *,
    serial: int | None,
    unit: str,
    target: Decimal | None,
    ytd: Decimal | None,
    baseline: Decimal | None,
    time_progress: Decimal,
    score: Decimal | None,
    rank: int | None,
    note: str,
    is_bottom: bool = False,
) -> Line:
    completion = shown_pct(completion_rate_pct(ytd, target)) if ytd is not None else None
    return Line(
        serial=serial,
        unit=unit,
        target=target,
        ytd_completed=ytd,
        completion_pct=completion,
        time_progress_pct=time_progress,
        progress_gap_pct=None if completion is None else completion - time_progress,
        baseline=baseline,
        growth_pct=shown_pct(growth_pct(ytd, baseline)) if ytd is not None else None,
        score=score,
        rank=rank,
        note=note,
        is_bottom=is_bottom,
    )


class ColumnSum:
    """A column's 合计 as the rows go by: the sum of the figures present, None when there is none.
    Added from Decimal(0) in the rows' order, as ``sum`` adds, so the total is the same Decimal."""

    __slots__ = ("present", "value")

    def __init__(self) -> None:
        self.value, self.present = Decimal(0), False

    def add(self, value: Decimal | None) -> None:
        if value is not None:
            self.value += value
            self.present = True

    @property
    def total(self) -> Decimal | None:
        return self.value if self.present else None
