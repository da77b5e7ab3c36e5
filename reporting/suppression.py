"""Small numbers hidden so that no young person can be singled out.

Primary suppression: a count from 1 up to the threshold (a municipal setting, 3 by default) shows
as "<3". Zero shows: nobody can be recognised in it. Secondary suppression: where a table shows
its total, one hidden cell could be recovered as the total minus the shown cells, so a second
cell is hidden — the smallest shown one above zero — or, when there is none, the total itself.
A cell hidden only to protect another shows as "×": it is not small, and "<3" would say it was.
Every page and export shows the same ``Cell``s, so none of them can reveal more than another."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

TENTH = Decimal("0.1")
SECONDARY = "×"


@dataclass(frozen=True)
class Cell:
    value: int | float | None  # None: nothing to show (e.g. a median of too few cases)
    hidden: bool = False
    threshold: int = 3
    secondary: bool = False  # hidden to protect another cell, not for being small

    def __str__(self):
        return self.shown()

    def shown(self):
        threshold = self.threshold
        if self.value is None:
            return "–"
        if self.hidden:
            return SECONDARY if self.secondary else f"<{threshold}"
        if isinstance(self.value, float) and not self.value.is_integer():
            # rounded half up first: number_format cuts 6.75 to "6,7"
            return number_format(Decimal(str(self.value)).quantize(TENTH, ROUND_HALF_UP), 1)
        if isinstance(self.value, float):
            return str(int(self.value))
        return str(self.value)


def primary(value, threshold):
    return Cell(value, hidden=value is not None and 0 < value < threshold, threshold=threshold)


def protect(values, threshold, total=None):
    """The cells of one group of counts that add up to ``total`` (None: no total is shown, as
    for concerns, where a young person may have several); returns (cells, total cell)."""
    cells = [primary(v, threshold) for v in values]
    total_cell = primary(total, threshold) if total is not None else None
    if total_cell is None or total_cell.hidden:
        return cells, total_cell
    hidden = [i for i, c in enumerate(cells) if c.hidden]
    if len(hidden) == 1:
        shown = [i for i, c in enumerate(cells) if not c.hidden and c.value]
        if shown:
            smallest = min(shown, key=lambda i: (cells[i].value, i))
            cells[smallest] = Cell(cells[smallest].value, True, threshold, secondary=True)
        else:
            total_cell = Cell(total_cell.value, True, threshold, secondary=True)
    return cells, total_cell
