"""Shared by the benchmark scripts: the generated data they run on, and RESULTS.md, of
which each script owns one section."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def generated(work: Path, size: int) -> Path:
    """The folder of ``generate.py --records SIZE --seed 1`` under ``work``, made if missing."""
    directory = work / f"n{size}"
    if not (directory / "records.parquet").exists():
        subprocess.run([sys.executable, str(Path(__file__).with_name("generate.py")),
                        "--records", str(size), "--seed", "1", "--out", str(directory)],
                       check=True)
    return directory


def machine() -> str:
    """The machine a figure was measured on, as the sections of RESULTS.md name it."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_section(path: Path, section: str) -> None:
    """Replace this script's section of RESULTS.md, keeping the other scripts' sections."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    heading = section.splitlines()[0]
    start = text.find(heading)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + section + ("\n" + text[end + 1:] if end >= 0 else "")
    path.write_text(text, encoding="utf-8")


def remove_section(path: Path, heading: str) -> None:
    """Drop the section that starts with ``heading`` (e.g. one a script no longer writes)."""
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    start = text.find(heading + "\n")
    if start < 0:
        return
    end = text.find("\n## ", start + len(heading))
    text = text[:start] + (text[end + 1:] if end >= 0 else "")
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
