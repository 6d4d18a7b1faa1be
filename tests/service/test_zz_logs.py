"""The servers' logs of the whole test run hold no e-mail and no phone of the test data
(runs last: the files of this folder run in name order)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from serving import DEMO


def _personal_values() -> set[str]:
    values: set[str] = set()
    for name in ("crm_contacts.csv", "csm_cases.csv"):
        # The csv module, not pandas: the demo plants malformed rows (a stray quote).
        with (DEMO / name).open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        wanted = [k for k, c in enumerate(rows[0]) if c.lower() in ("email", "phone")]
        values |= {row[k] for row in rows[1:] for k in wanted if k < len(row) and row[k]}
    shop = pd.read_parquet(DEMO / "ecommerce_customers.parquet")
    values |= set(shop["Email"].dropna().astype(str)) | set(shop["Phone"].dropna().astype(str))
    for line in (DEMO / "support_chats.jsonl").read_text().splitlines():
        try:
            contact = json.loads(line).get("contact") or {}
        except (ValueError, AttributeError):  # the demo plants unreadable lines
            continue
        values |= {str(contact[k]) for k in ("email", "phone") if contact.get(k)}
    # The values the service tests send of their own.
    values |= {"quentin.marsh@mailbox.org", "rhea@mailbox.org", "erase.me.please@mailbox.org",
               "zebulon.quist@mailbox.org", "(415) 555-0199", "+14155550199"}
    values |= {f"feedy{k}.newperson@mailbox.org" for k in range(8)}
    return {v for v in values if len(v) >= 7}


def test_server_logs_hold_no_personal_values(log_dir: Path) -> None:
    logs = sorted(log_dir.glob("*.log"))
    if not logs:
        pytest.skip("no server ran in this session (run the whole tests/service folder)")
    text = "\n".join(p.read_text(errors="replace") for p in logs).lower()
    assert "/v1/" in text, "the servers wrote no access log"
    values = _personal_values()
    assert len(values) > 1000
    found = sorted(v for v in values if v.lower() in text)
    assert found == [], f"personal values in the server logs: {found[:5]}"
    # Phones in any layout: no run of 10 digits that is a test phone's digits.
    digits = {re.sub(r"\D", "", v)[-10:] for v in values if "@" not in v}
    runs = set(re.findall(r"\d{10}", re.sub(r"[ ()+.-]", "", text)))
    assert not (runs & digits)
