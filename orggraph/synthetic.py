"""What the synthetic Norway's parts share: the tables of rows they add to, and its calendar."""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

SOURCE = "orggraph generate (synthetic)"
DAY = dt.timedelta(days=1)


def months_after(day: dt.date, months: int) -> dt.date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class Tables:
    rows: dict[str, list[dict]] = field(default_factory=dict)

    def add(self, section: str, **row) -> dict:
        self.rows.setdefault(section, []).append(row)
        return row

    def dated(self, row: dict, start: dt.date | None = None, end: dt.date | None = None) -> dict:
        """A relationship row with the period given (no cell for an open end)."""
        return self.add("relationships", **row, **({"valid_from": start} if start else {}),
                        **({"valid_to": end} if end else {}))

    def write(self, folder: Path) -> dict[str, int]:
        folder.mkdir(parents=True, exist_ok=True)
        counts = {}
        for section, rows in self.rows.items():
            columns = list(dict.fromkeys(k for row in rows for k in row))
            with (folder / f"{section}.synthetic.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, columns)
                writer.writeheader()
                writer.writerows(rows)
            counts[section] = len(rows)
        return counts
