"""The HTML report of the demo run (examples/cx_demo), with its truth: size, sections,
and, where a Chromium binary is installed, a headless browser's view of it offline."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

import unifyprofile as up
from unifyprofile.report import SECTIONS, TRUTH_SECTION, read_run, read_truth, render

DEMO = Path(__file__).resolve().parents[2] / "examples" / "cx_demo"
WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)
CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("demo-report")
    up.Resolver(up.load_config(DEMO / "unify.toml")).run().write(where / "out", csv=False)
    result, summary = read_run(where / "out")
    path = where / "report.html"
    path.write_text(render(result, summary=summary, truth=read_truth(DEMO / "truth.csv"),
                           generated=WHEN), encoding="utf-8")
    return path


def test_demo_report_is_complete_and_small(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    size = report.stat().st_size
    print(f"demo report: {size:,} bytes")
    assert size < 5_000_000
    for name in (*SECTIONS, TRUTH_SECTION):
        assert f'<section id="{name}">' in text
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.I)
    assert "<script" not in text.lower()
    # The demo's planted rejects and its four sources are described.
    assert all(s in text for s in ("crm", "ecommerce", "support", "csm"))
    waterfalls = re.findall(r'data-chart="waterfall-[^"]+"', text)
    assert len(waterfalls) >= 9  # near the threshold, largest entities, errors


def _browser() -> str | None:
    return next((path for name in CHROMIUM if (path := shutil.which(name))), None)


@pytest.mark.skipif(_browser() is None, reason="no chromium binary on PATH (Debian: "
                    "apt-get install chromium); the browser check needs one")
def test_demo_report_renders_offline_in_chromium(report: Path, tmp_path: Path) -> None:
    browser = _browser()
    assert browser is not None
    # No network: a proxy that does not exist and no DNS, so any fetch would fail.
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu",
             "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
             "--no-first-run", "--disable-extensions", f"--user-data-dir={tmp_path / 'p'}"]
    env = {**os.environ, "HOME": str(tmp_path)}
    dom = subprocess.run([*flags, "--enable-logging=stderr", "--v=0", "--dump-dom",
                          report.as_uri()], capture_output=True, text=True, timeout=120,
                         env=env, check=False)
    assert dom.returncode == 0, dom.stderr[-2000:]
    # The page's console stays silent (Chromium logs each message as ":CONSOLE:<line>]",
    # or "CONSOLE(<line>)" in older versions).
    assert not [line for line in dom.stderr.splitlines()
                if ":CONSOLE:" in line or "CONSOLE(" in line]
    source = report.read_text(encoding="utf-8")
    wanted = re.findall(r'data-chart="([^"]+)"', source)
    drawn = re.findall(r'data-chart="([^"]+)"', dom.stdout)
    assert wanted and sorted(drawn) == sorted(wanted)
    for name in (*SECTIONS, TRUTH_SECTION):
        assert f'id="{name}"' in dom.stdout
    for width, height in ((1280, 2000), (390, 1600)):  # a laptop, a phone
        shot = tmp_path / f"demo-report-{width}.png"
        taken = subprocess.run([*flags, f"--screenshot={shot}",
                                f"--window-size={width},{height}", "--hide-scrollbars",
                                report.as_uri()], capture_output=True, text=True,
                               timeout=120, env=env, check=False)
        assert taken.returncode == 0, taken.stderr[-2000:]
        assert shot.is_file() and shot.stat().st_size > 10_000
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        print(f"screenshot: {shot}")


def test_demo_report_is_the_same_apart_from_its_date(report: Path) -> None:
    out = report.parent / "out"
    result, summary = read_run(out)
    again = render(result, summary=summary, truth=read_truth(DEMO / "truth.csv"),
                   generated=datetime(2031, 7, 8, tzinfo=timezone.utc))

    def undated(text: str) -> list[str]:
        return [x for x in text.splitlines() if 'id="generated"' not in x]

    first = report.read_text(encoding="utf-8")
    assert first != again
    assert undated(first) == undated(again)
