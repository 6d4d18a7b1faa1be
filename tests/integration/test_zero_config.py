"""Zero-config evaluate end to end on small generated benchmark folders.

No config: column roles come from names and values, comparisons and blocking rules
from the roles, the threshold from the model (and the 1:1 prior for link tasks).
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from unifyprofile.config import load_config
from unifyprofile.evaluate import evaluate_directory

FIRST = ["Anna", "Robert", "Li", "Maria", "James", "Sofia", "Omar", "Yuki", "Peter", "Grace",
         "Ivan", "Chloe", "Mateo", "Aisha", "Lucas", "Nina", "Hugo", "Elena", "Tom", "Zara"]
LAST = ["Smith", "Garcia", "Zhang", "Okafor", "Muller", "Rossi", "Kowalski", "Tanaka",
        "Dubois", "Silva", "Nguyen", "Haddad", "Jensen", "Novak", "Costa", "Fischer"]
WORDS = ["query", "optimization", "distributed", "database", "semantic", "index", "stream",
         "graph", "transaction", "learning", "caching", "parallel", "spatial", "mining",
         "xml", "relational", "schema", "integration", "temporal", "privacy", "federated",
         "storage", "compression", "sampling", "ranking", "views", "workflow", "sensor"]


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    k = rng.randrange(1, len(text) - 1)
    return text[:k] + text[k + 1] + text[k] + text[k + 2:]


def _people(folder: Path) -> None:
    rng = random.Random(7)
    rows, truth = [], []
    for person in range(150):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        dob = f"19{rng.randrange(40, 99)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        email = f"{first.lower()}.{last.lower()}{person}@example.org"
        for copy in range(rng.choice([1, 2, 3])):
            f, ln, e = first, last, email
            if copy:
                f = _typo(rng, f) if rng.random() < 0.4 else f
                ln = _typo(rng, ln) if rng.random() < 0.3 else ln
                e = None if rng.random() < 0.3 else e
            rid = f"r{len(rows)}"
            rows.append({"record_id": rid, "given": f, "family_name": ln, "birth": dob,
                         "mail": e})
            truth.append({"record_id": rid, "cluster_id": f"p{person}"})
    order = list(range(len(rows)))
    rng.shuffle(order)
    pd.DataFrame([rows[k] for k in order]).to_csv(folder / "records.csv", index=False)
    pd.DataFrame(truth).to_csv(folder / "truth.csv", index=False)


def _papers(folder: Path) -> None:
    rng = random.Random(11)
    left, right, truth = [], [], []
    for paper in range(200):
        title = " ".join(rng.sample(WORDS, 6)).capitalize()
        authors = ", ".join(f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(2))
        year = str(rng.randrange(1994, 2004))
        left.append({"record_id": f"L{paper}", "title": title, "authors": authors,
                     "year": year})
        if paper % 5:
            words = title.split()
            if rng.random() < 0.5:
                words[rng.randrange(len(words))] = rng.choice(WORDS)
            right.append({"record_id": f"R{paper}", "title": " ".join(words).lower(),
                          "authors": authors if rng.random() < 0.7 else "", "year": year})
            truth.append({"left_id": f"L{paper}", "right_id": f"R{paper}"})
    rng.shuffle(right)
    pd.DataFrame(left).to_csv(folder / "left.csv", index=False)
    pd.DataFrame(right).to_csv(folder / "right.csv", index=False)
    pd.DataFrame(truth).to_csv(folder / "truth.csv", index=False)


def _payments(folder: Path) -> None:
    """An invoice ledger and a bank statement: each customer is billed early every
    month, often the same amount as before, and pays 2 to 14 days after each invoice,
    naming no invoice; a fifth of the invoices are still open, and some payments are
    for invoices of last year."""
    rng = random.Random(11)
    left, right, truth = [], [], []
    start = pd.Timestamp("2024-01-05")
    for customer in range(60):
        name = f"{rng.choice(LAST)} {rng.choice(['Bau', 'Logistik', 'Software'])} GmbH"
        iban = f"DE{rng.randrange(10, 99)}{rng.randrange(10**17, 10**18)}"
        fees = [f"{rng.randrange(50, 900)}.{rng.randrange(100):02d}" for _ in range(3)]
        for month in range(-2, 8):
            fee = rng.choice(fees)
            day = start + pd.DateOffset(months=month, days=rng.randrange(0, 5))
            invoice = f"I{customer}-{month}"
            if month >= 0:
                left.append({"record_id": invoice, "invoice_date": day.date().isoformat(),
                             "customer": name, "amount": fee, "customer_iban": iban})
            if rng.random() < 0.8:
                paid = day + pd.Timedelta(days=rng.randrange(2, 15))
                right.append({"record_id": f"P{customer}-{month}",
                              "booked": paid.strftime("%d.%m.%Y"), "payer": name.upper(),
                              "betrag": fee.replace(".", ","), "iban": iban,
                              "purpose": f"KUNDE {1000 + customer} DANKE"})
                if month >= 0:
                    truth.append({"left_id": invoice, "right_id": f"P{customer}-{month}"})
    pd.DataFrame(left).to_csv(folder / "left.csv", index=False)
    pd.DataFrame(right).to_csv(folder / "right.csv", index=False)
    pd.DataFrame(truth).to_csv(folder / "truth.csv", index=False)


@pytest.fixture
def people(tmp_path: Path) -> Path:
    folder = tmp_path / "people"
    folder.mkdir()
    _people(folder)
    return folder


@pytest.fixture
def papers(tmp_path: Path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir()
    _papers(folder)
    return folder


def test_zero_config_dedup_of_people(people: Path) -> None:
    report = evaluate_directory(people)
    assert report["task"] == "dedup"
    assert report["blocking_recall"] >= 0.95
    assert report["cluster"]["f1"] >= 0.95
    assert any("estimated candidate pairs" in note for note in report["notes"])


def test_zero_config_link_of_papers(papers: Path) -> None:
    report = evaluate_directory(papers)
    assert report["task"] == "link"
    assert report["blocking_recall"] >= 0.98
    assert report["pairwise"]["f1"] >= 0.95
    assert report["pairwise"]["precision"] >= 0.95


def test_written_config_loads_and_reproduces_the_run(papers: Path, tmp_path: Path) -> None:
    path = tmp_path / "inferred.toml"
    first = evaluate_directory(papers, write_config=path)
    config = load_config(path)
    assert config.link_type == "link_only"
    assert {c.type_name for c in config.comparisons} >= {"text"}
    assert any(":rare3" in rule.name for rule in config.blocking)
    again = evaluate_directory(papers, path)
    for metric in ("pairwise", "cluster"):
        assert again[metric] == first[metric]
    assert again["candidate_pairs"] == first["candidate_pairs"]


def test_zero_config_links_each_payment_to_the_invoice_it_follows(tmp_path: Path) -> None:
    # Name and account say which customer, not which invoice; amounts repeat: the dates
    # tell, by their order (a payment follows its invoice).
    _payments(tmp_path)
    report = evaluate_directory(tmp_path, write_config=tmp_path / "inferred.toml")
    dates = [c for c in load_config(tmp_path / "inferred.toml").comparisons
             if c.type_name == "date"]
    assert dates and all(c.first == "left" for c in dates)
    # Measured from the invoice, the dates tell which invoice a payment pays (0.76
    # with unordered windows and EM free to call every pair of a customer a match).
    assert report["pairwise"]["f1"] >= 0.93
    assert report["model_check"]["linked"] < 10 * len(pd.read_csv(tmp_path / "truth.csv"))
