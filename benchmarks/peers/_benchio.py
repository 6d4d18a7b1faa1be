"""Shared by the peer scripts: read a benchdata folder, write predictions, report.

Standard library only, so that every peer's virtualenv can import it.  A peer script is
run as ``PYTHON benchmarks/peers/<tool>_quality.py --data DIR --out OUTDIR`` and

* writes its predictions to ``OUTDIR`` as CSV files: ``clusters*.csv``
  (``record_id,cluster_id`` for every record it saw) and/or ``pairs*.csv``
  (``id_l,id_r``; for a link set ``id_l`` is a left.csv id and ``id_r`` a right.csv id),
* prints one JSON line on stdout: ``{"tool", "version", "task", "seconds", "outputs":
  [{"label", "clusters", "pairs", "seconds"}], ...}``, where each output is one
  prediction (e.g. one threshold) and the file names are relative to ``OUTDIR``.

The parent (``benchmarks/quality.py``, in the project venv) scores every output with
``unifyprofile.evaluate``, so that all tools are scored by the same code.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

csv.field_size_limit(sys.maxsize)


def read_table(path: Path) -> tuple[list[str], list[dict[str, str | None]]]:
    """A CSV read as strings, with an empty cell as None (the benchdata convention)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        rows = [{k: (v if v != "" else None) for k, v in row.items()} for row in reader]
    return columns, rows


def read_benchmark(directory: Path) -> tuple[str, dict[str, tuple[list[str], list[dict]]]]:
    """``("dedup", {"records": table})`` or ``("link", {"left": table, "right": table})``."""
    if (directory / "records.csv").is_file():
        return "dedup", {"records": read_table(directory / "records.csv")}
    return "link", {
        "left": read_table(directory / "left.csv"),
        "right": read_table(directory / "right.csv"),
    }


def write_csv(path: Path, header: tuple[str, str], rows) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path.name


def write_clusters(path: Path, pairs) -> str:
    """``record_id,cluster_id`` from an iterable of (record_id, cluster_id)."""
    return write_csv(path, ("record_id", "cluster_id"), pairs)


def write_pairs(path: Path, pairs) -> str:
    """``id_l,id_r`` from an iterable of (id_l, id_r)."""
    return write_csv(path, ("id_l", "id_r"), pairs)


def report(payload: dict) -> None:
    """The one JSON line the parent reads (the last line of stdout)."""
    sys.stdout.flush()
    print(json.dumps(payload), flush=True)
