"""Exceptions raised by unifyprofile.

Every error a user can cause derives from :class:`UnifyProfileError` and also from the
matching built-in exception, so ``except ValueError`` keeps working for callers that do
not know this library::

    UnifyProfileError
     ├── ConfigError(ValueError)          a config file or spec object is wrong
     ├── SourceError(ValueError)          a source cannot be read or mapped
     ├── BlockingError(ValueError)        a blocking rule would produce too many pairs
     ├── NotFittedError(RuntimeError)     a model is used before ``fit``
     ├── DataError(ValueError)            a table breaks a stage's column contract
     └── StoreError(RuntimeError)         an identity store file cannot be used as asked

Messages name where the problem is (file, source, row, column, key path), what was
expected, what was found, and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "BlockingError",
    "ConfigError",
    "DataError",
    "NotFittedError",
    "SourceError",
    "StoreError",
    "UnifyProfileError",
]


class UnifyProfileError(Exception):
    """Base class of every error raised on purpose by unifyprofile."""

    exit_code: int = 1


class ConfigError(UnifyProfileError, ValueError):
    """A configuration file or spec is invalid.

    Args:
        problems: one line per problem; all problems are reported together.
        path: the config file, when there is one.
    """

    exit_code = 2

    def __init__(self, problems: list[str] | str, path: str | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.path = path
        where = f"{path}: " if path else ""
        if len(self.problems) == 1:
            message = f"{where}{self.problems[0]}"
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            message = f"{where}{len(self.problems)} problems in the configuration:\n{lines}"
        super().__init__(message)

    def located(self, label: str, where: str) -> ConfigError:
        """The same problems, named as a config file names them.

        A spec names itself in its messages by ``label`` (``"source 'crm': "``); a config
        file names the same place by a key path (``"sources[0]."``).  A problem that
        does not start with ``label`` gets ``where`` in front.

        >>> error = ConfigError("source 'crm': trust must be a finite number >= 0 (got -1)")
        >>> error.located("source 'crm': ", "sources[0].").problems
        ['sources[0].trust must be a finite number >= 0 (got -1)']
        """
        return ConfigError([where + p[len(label):] if p.startswith(label)
                            else f"{where.rstrip('.')}: {p}" for p in self.problems], self.path)


class SourceError(UnifyProfileError, ValueError):
    """A source file cannot be read, or its columns do not match the mapping."""

    exit_code = 3


class BlockingError(UnifyProfileError, ValueError):
    """A blocking rule would produce more candidate pairs than allowed."""

    exit_code = 4


class DataError(UnifyProfileError, ValueError):
    """A table passed to a stage does not have the columns or types the stage needs."""

    exit_code = 5


class NotFittedError(UnifyProfileError, RuntimeError):
    """A model was used to score before it was fitted or loaded."""

    exit_code = 6


class StoreError(UnifyProfileError, RuntimeError):
    """An identity store cannot do what was asked: a newer or foreign file, a store
    without a model, a config that differs from the one the store was built with."""

    exit_code = 7
