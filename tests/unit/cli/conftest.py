"""The command line run in this process, as a fixture."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

from unifyprofile import cli


@pytest.fixture
def cli_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
             ) -> Callable[..., tuple[int, str, str]]:
    """``cli_main(*args, stdin_tty=False)`` runs the console-script entry point and
    returns (exit code, stdout, stderr)."""

    def run(*args: str, stdin_tty: bool = False) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["unifyprofile", *args])
        # Wide consoles, so messages are not wrapped at 80 columns.
        monkeypatch.setattr(cli.console, "width", 1000)
        monkeypatch.setattr(cli.out, "width", 1000)
        monkeypatch.setattr(sys.stdin, "isatty", lambda: stdin_tty)
        try:
            cli.main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
