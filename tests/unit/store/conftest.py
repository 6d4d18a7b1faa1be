"""Fixtures of the identity store tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_testdata import make_config

import unifyprofile as up


@pytest.fixture
def config() -> up.Config:
    return make_config()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "profiles.db"
