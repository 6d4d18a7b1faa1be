"""Notebook manners: short reprs that show counts and settings, an HTML table where one
helps, and ``fit`` that returns the estimator (scikit-learn's contract)."""

from __future__ import annotations

import pandas as pd
import pytest

import unifyprofile as up
from unifyprofile.engines import Engine, LocalEngine, named
from unifyprofile.errors import ConfigError
from unifyprofile.result import RunResult

PEOPLE = pd.DataFrame({
    "id": [str(k) for k in range(8)],
    "first": ["Robert", "Bob", "Alice", "Alicia", "Carl", "Karl", "Dana", "Erin"],
    "last": ["Smith", "Smith", "Jones", "Jones", "Berg", "Berg", "Wu", "Ng"],
    "email": ["bob@x.org", "bob@x.org", "al@y.org", "al@y.org", "carl@z.org",
              "carl@z.org", "dana@w.org", "erin@v.org"],
})


def _config() -> up.Config:
    source = up.Source("crm", data=PEOPLE, id_column="id",
                       columns={"first_name": "first", "last_name": "last", "email": "email"})
    return up.Config(sources=(source,))


def test_reprs_are_one_line_of_counts_and_settings() -> None:
    resolver = up.Resolver(_config())
    assert repr(resolver) == ("Resolver(engine='local', sources=['crm'], "
                              "model='fitted on the data')")
    result = resolver.run()
    text = repr(result)
    assert "\n" not in text and len(text) < 200
    entities = result.clusters["entity_id"].nunique()
    assert text.startswith(f"Result(records=8, entities={entities}, pairs=")
    assert "DataFrame" not in text
    model = repr(result.model)
    assert model.startswith("FellegiSunter(comparisons=['first_name', 'last_name', 'email']")
    assert "lambda_=" in model
    assert repr(up.FellegiSunter(result.model.comparisons)).endswith("not fitted)")


def test_html_reprs_are_tables() -> None:
    result = up.Resolver(_config()).run()
    page = result._repr_html_()
    assert "<table" in page and "<td>crm</td>" in page
    weights = result.model.weights_table()
    assert list(weights.columns) == ["comparison", "level", "m", "u", "weight"]
    assert len(weights) == sum(len(c.level_names) for c in result.model.comparisons)
    assert "<table" in result.model._repr_html_()


def test_fit_returns_the_resolver_and_run_scores_with_what_it_learned() -> None:
    config = _config()
    resolver = up.Resolver(config)
    assert not hasattr(resolver, "model_")
    records, *_ = resolver.prepare()
    assert resolver.fit(records) is resolver
    assert isinstance(resolver.model_, up.FellegiSunter)
    assert repr(resolver).endswith("model='fitted by fit()')")
    result = resolver.run()
    assert result.model is resolver.model_
    # A model given to the constructor wins over one fit() learned.
    given = up.Resolver(config).run().model
    resolver.model = given
    assert resolver.run().model is given


def test_an_engine_is_a_plug_point() -> None:
    """Any object with a name and a run() is an engine; the resolver only composes."""
    calls: list[tuple[str, object]] = []

    class Recording:
        name = "recording"

        def run(self, config, data=None, *, model=None, progress=None):
            calls.append((config.sources[0].name, model))
            return LocalEngine().run(config, data, model=model, progress=progress)

    assert isinstance(Recording(), Engine)
    result = up.Resolver(_config(), engine=Recording()).run()
    assert calls == [("crm", None)]
    assert isinstance(result, RunResult)
    assert isinstance(named("local"), LocalEngine)
    with pytest.raises(ConfigError, match="engine: expected one of local, spark, got 'dask'"):
        up.Resolver(_config(), engine="dask")
    with pytest.raises(ConfigError, match="expected an Engine"):
        up.Resolver(_config(), engine=42)  # type: ignore[call-overload]


def test_the_store_repr_counts_records_and_entities(tmp_path) -> None:
    store = up.IdentityStore(tmp_path / "profiles.db", _config())
    assert repr(store) == (f"IdentityStore({str(tmp_path / 'profiles.db')!r}, records=0, "
                           "entities=0, fitted=False)")
    store.ingest(PEOPLE, source="crm")
    entities = store.clusters()["entity_id"].nunique()
    assert repr(store).endswith(f"records=8, entities={entities:,}, fitted=True)")
    store.close()
    assert repr(store).endswith("closed)")


def test_the_config_repr_names_its_sources_and_key_settings() -> None:
    assert repr(_config()) == (
        "Config(sources=['crm'], link_type='dedupe', threshold=0.95, rules=0, "
        "blocking='chosen from the fields', comparisons='chosen from the fields', "
        "vetoes=[])")
