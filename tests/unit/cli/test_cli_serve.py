"""``unifyprofile keys`` and the checks ``unifyprofile serve`` makes before it binds
(the server itself is tested end to end in tests/service)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from unifyprofile.serve import KeyRing
from unifyprofile.store import IdentityStore

CliMain = Callable[..., tuple[int, str, str]]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    people = tmp_path / "people.csv"
    people.write_text("id,first,email\n1,Ann,ann@mailbox.org\n2,Bob,bob@mailbox.org\n",
                      encoding="utf-8")
    config = tmp_path / "unify.toml"
    config.write_text('[[sources]]\nname = "crm"\npath = "people.csv"\nid_column = "id"\n'
                      'columns = { first_name = "first", email = "email" }\n', encoding="utf-8")
    path = tmp_path / "profiles.db"
    with IdentityStore(path, config) as s:
        s.ingest()
    return path


def test_keys_create_list_revoke(store: Path, cli_main: CliMain) -> None:
    code, out, err = cli_main("keys", "create", "--store", str(store), "--name", "crm-sync",
                              "--scope", "read", "--scope", "write")
    assert code == 0 and "shown once" in err
    secret = out.strip()
    key = KeyRing(store).verify(secret)
    assert key is not None and key.scopes == ("read", "write") and key.name == "crm-sync"
    code, out, _ = cli_main("keys", "list", "--store", str(store), "--json")
    listed = json.loads(out)
    assert code == 0 and [k["key_id"] for k in listed] == [key.key_id]
    assert secret not in out and listed[0]["revoked_at"] is None
    code, _, _ = cli_main("keys", "revoke", key.key_id, "--store", str(store))
    assert code == 0 and KeyRing(store).verify(secret) is None
    code, _, err = cli_main("keys", "revoke", "nope", "--store", str(store))
    assert code == 7 and "no API key has id 'nope'" in err


def test_keys_refuse_an_unknown_scope_and_a_missing_store(tmp_path: Path, store: Path,
                                                          cli_main: CliMain) -> None:
    code, _, err = cli_main("keys", "create", "--store", str(store), "--name", "x",
                            "--scope", "admin")
    assert code == 2 and "--scope must be one of read, write, erase" in err
    code, _, err = cli_main("keys", "list", "--store", str(tmp_path / "none.db"))
    assert code == 2 and "no such file" in err


def test_insecure_local_binds_to_loopback_only(store: Path, cli_main: CliMain) -> None:
    code, _, err = cli_main("serve", "--store", str(store), "--insecure-local",
                            "--host", "0.0.0.0")
    assert code == 2 and "loopback only" in err
    code, _, err = cli_main("serve", "--store", str(store), "--insecure-local",
                            "--host", "example.org")
    assert code == 2 and "loopback only" in err


def test_serve_needs_a_store(tmp_path: Path, cli_main: CliMain) -> None:
    code, _, err = cli_main("serve", "--store", str(tmp_path / "none.db"))
    assert code == 2 and "build a store first" in err
