"""The top-level API is small and deliberate: adding a name is a decision, not an accident."""

import pytest

import unifyprofile as up
from unifyprofile import errors


def test_top_level_names():
    assert sorted(up.__all__) == sorted([
        "BlockingRule", "Config", "Events", "FellegiSunter", "IdentityStore", "Resolver", "Result",
        "Source", "UnifyProfileError", "blocking", "compare", "dump_config", "engines", "evaluate",
        "golden", "graph", "load_config", "score", "sources", "standardise", "store",
    ])
    for name in up.__all__:
        assert hasattr(up, name), name


@pytest.mark.parametrize(("error", "builtin", "code"), [
    (errors.ConfigError, ValueError, 2),
    (errors.SourceError, ValueError, 3),
    (errors.BlockingError, ValueError, 4),
    (errors.DataError, ValueError, 5),
    (errors.NotFittedError, RuntimeError, 6),
    (errors.StoreError, RuntimeError, 7),
])
def test_errors_are_library_and_builtin_errors(error, builtin, code):
    assert issubclass(error, up.UnifyProfileError)
    assert issubclass(error, builtin)
    assert error.exit_code == code


def test_config_error_lists_every_problem():
    exc = errors.ConfigError(["a: bad", "b: worse"], path="x.toml")
    assert exc.problems == ["a: bad", "b: worse"]
    assert str(exc) == "x.toml: 2 problems in the configuration:\n  - a: bad\n  - b: worse"


def test_resolver_rejects_a_non_config():
    with pytest.raises(errors.ConfigError, match="load_config"):
        up.Resolver({"sources": []})  # type: ignore[arg-type]
