"""The configuration: one TOML file parsed into frozen spec objects.

``load_config`` reads and validates a file and reports every problem at once, each with
its key path, what was expected, what was found and the allowed keys.  ``dump_config``
writes a :class:`Config` back to TOML; ``load_config(dump_config(c))`` gives ``c`` again.
Learned model parameters are not part of the config (see ``FellegiSunter.save``).

A minimal file::

    [resolver]
    threshold = 0.95

    [[sources]]
    name = "crm"
    preset = "salesforce_contacts"
    path = "crm_contacts.csv"

See ``docs/config.md`` for every key.
"""

from __future__ import annotations

import difflib
import os
import reprlib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from numbers import Integral, Real
from pathlib import Path
from types import MappingProxyType
from typing import Any

import tomli_w

from unifyprofile import schema
from unifyprofile._fields import field_types
from unifyprofile.blocking import LINK_TYPES, BlockingRule
from unifyprofile.compare import Comparison, ExactMatch, PhoneComparison, comparison_from_config
from unifyprofile.errors import ConfigError
from unifyprofile.golden import Survivorship, survivorship_from_config
from unifyprofile.golden import to_config as survivorship_to_config
from unifyprofile.score import DeterministicRule, Guards
from unifyprofile.sources import PRESETS, Events, Source

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Config", "config_warnings", "dump_config", "load_config", "parse_config"]

_SECTIONS = ("resolver", "sources", "rules", "blocking", "comparisons", "guards",
             "survivorship")
_RESOLVER_KEYS = ("link_type", "threshold", "seed")
_SOURCE_KEYS = ("name", "kind", "path", "preset", "columns", "id_column", "updated_at",
                "format", "encoding", "delimiter", "default_region", "dayfirst", "year_pivot",
                "trust", "unique_per_person", "max_field_lines", "max_field_bytes", "events")
_BLOCKING_KEYS = ("rules", "max_pairs_per_rule")
_SURVIVORSHIP_KEYS = ("default", "fields")
#: Config fields that hold specs: the field, its key path in a file, its type, an example.
_PARTS = (
    ("sources", "sources", Source, "Source('crm', path='crm.csv', id_column='Id')"),
    ("rules", "rules", DeterministicRule, "DeterministicRule('email', ('email',))"),
    ("blocking", "blocking.rules", BlockingRule, "BlockingRule.parse(['email'])"),
    ("comparisons", "comparisons", Comparison, "ExactMatch('email')"),
)


@dataclass(frozen=True, repr=False)
class Config:
    """Everything a :class:`~unifyprofile.Resolver` needs to know.

    Empty ``blocking`` or ``comparisons`` mean "choose from the fields present".

    Raises:
        ConfigError: listing every field that breaks its contract, each named by its key
            path in a config file (``resolver.threshold``), with what it must be, what it
            is and the fix.

    Examples:
        >>> Config(seed="x", max_pairs_per_rule=0)
        Traceback (most recent call last):
        ...
        unifyprofile.errors.ConfigError: 2 problems in the configuration:
          - resolver.seed must be an integer >= 0 (got 'x'); any fixed value, e.g. 0, \
gives the same result on every run
          - blocking.max_pairs_per_rule must be an integer >= 1 (got 0); the default is \
20000000, raise it for more pairs
    """

    sources: tuple[Source, ...] = ()
    link_type: str = "dedupe"
    threshold: float = 0.95
    seed: int = 0
    rules: tuple[DeterministicRule, ...] = ()
    blocking: tuple[BlockingRule, ...] = ()
    max_pairs_per_rule: int = 20_000_000
    comparisons: tuple[Comparison, ...] = ()
    guards: Guards = field(default_factory=Guards)
    survivorship: Mapping[str, Survivorship] = field(default_factory=dict)
    default_survivorship: Survivorship = field(
        default_factory=lambda: Survivorship("most_complete"))
    #: Directory that relative source paths are resolved against.
    base_dir: Path | None = None

    def __post_init__(self) -> None:
        problems = self._problems()
        if problems:
            raise ConfigError(problems)
        object.__setattr__(self, "survivorship", MappingProxyType(dict(self.survivorship)))
        for key in ("sources", "rules", "blocking", "comparisons"):
            object.__setattr__(self, key, tuple(getattr(self, key)))
        object.__setattr__(self, "threshold", float(self.threshold))
        object.__setattr__(self, "seed", int(self.seed))
        object.__setattr__(self, "max_pairs_per_rule", int(self.max_pairs_per_rule))

    def _problems(self) -> list[str]:
        """Each field that breaks its contract, named by its key path in a config file:
        what it must be, what it is, and the fix."""
        got = reprlib.repr
        out = []
        for key, where, kind, example in _PARTS:
            items = getattr(self, key)
            if not isinstance(items, (list, tuple)):
                out.append(f"{where} must be a tuple of {kind.__name__} objects (got "
                           f"{got(items)}); e.g. {key}=({example},)")
                continue
            out += [f"{where}[{n}] must be a {kind.__name__} (got {got(item)}); e.g. "
                    f"{example}" for n, item in enumerate(items) if not isinstance(item, kind)]
        if self.link_type not in LINK_TYPES:
            out.append(f"resolver.link_type must be one of {', '.join(LINK_TYPES)} (got "
                       f"{got(self.link_type)}); 'dedupe' finds the duplicates within and "
                       "across sources, 'link_only' only links the records of two sources")
        t = self.threshold
        if isinstance(t, bool) or not isinstance(t, Real) or not 0 < t <= 1:
            out.append(f"resolver.threshold must be a number in (0, 1] (got {got(t)}); it is "
                       "the match probability from which two records are linked, e.g. 0.95")
        seed = self.seed
        if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
            # numpy's random generators take no negative seed.
            out.append(f"resolver.seed must be an integer >= 0 (got {got(seed)}); any fixed "
                       "value, e.g. 0, gives the same result on every run")
        limit = self.max_pairs_per_rule
        if isinstance(limit, bool) or not isinstance(limit, Integral) or limit < 1:
            out.append(f"blocking.max_pairs_per_rule must be an integer >= 1 (got "
                       f"{got(limit)}); the default is 20000000, raise it for more pairs")
        if not isinstance(self.guards, Guards):
            out.append(f"guards must be a Guards (got {got(self.guards)}); e.g. "
                       "Guards(veto=('first_name',))")
        if not isinstance(self.default_survivorship, Survivorship):
            out.append(f"survivorship.default must be a Survivorship (got "
                       f"{got(self.default_survivorship)}); e.g. "
                       "Survivorship('most_complete')")
        policies = self.survivorship
        if not isinstance(policies, Mapping) or not all(
                isinstance(k, str) and isinstance(v, Survivorship) for k, v in policies.items()):
            out.append(f"survivorship.fields must be a mapping of field to Survivorship (got "
                       f"{got(policies)}); e.g. {{'email': Survivorship('most_recent')}}")
        if self.base_dir is not None and not isinstance(self.base_dir, (str, os.PathLike)):
            out.append(f"base_dir must be a path or None (got {got(self.base_dir)}); it is "
                       "the folder that relative source paths start from")
        sources = self.sources if isinstance(self.sources, (list, tuple)) else ()
        comparisons = self.comparisons if isinstance(self.comparisons, (list, tuple)) else ()
        names = [s.name for s in sources if isinstance(s, Source)]
        for c in comparisons:
            first = getattr(c, "first", None)
            if first is not None and names and first not in names:
                out.append(f"comparison '{c.name}': first = {first!r} names no source; "
                           f"the sources are {', '.join(map(repr, names))}")
        return out

    def __repr__(self) -> str:
        def planned(items: tuple[Any, ...]) -> str:
            return f"{len(items)} configured" if items else "chosen from the fields"

        guards = self.guards
        return (f"Config(sources={[s.name for s in self.sources]!r}, "
                f"link_type={self.link_type!r}, threshold={self.threshold:g}, "
                f"rules={len(self.rules)}, blocking={planned(self.blocking)!r}, "
                f"comparisons={planned(self.comparisons)!r}, "
                f"vetoes={list(guards.veto)!r})")

    def with_sources(self, sources: Sequence[Source]) -> Config:
        """A copy with other sources (e.g. in-memory tables)."""
        return replace(self, sources=tuple(sources))

    @property
    def phone_fields(self) -> tuple[str, ...]:
        """Fields besides ``phone`` compared as phone numbers (a mobile, a fax): they are
        standardised as phones too (see :func:`unifyprofile.standardise.standardise`)."""
        return tuple(dict.fromkeys(c.field for c in self.comparisons
                                   if isinstance(c, PhoneComparison) and c.field != "phone"))

    @property
    def id_fields(self) -> tuple[str, ...]:
        """Fields standardised as identifiers (by their registered type's standardiser,
        else upper case, without spaces, dashes, dots or underscores): the registered
        identifier field types (:data:`~unifyprofile.schema.ID_FIELDS`) and every field
        compared as codes (``ExactMatch(codes=True)``)."""
        types = field_types()
        canonical = {t.name for t in types if not t.identifier}
        return tuple(dict.fromkeys((*(t.name for t in types if t.identifier), *(
            c.field for c in self.comparisons if isinstance(c, ExactMatch) and c.codes
            and c.field not in canonical))))


def load_config(path: str | Path) -> Config:
    """Read and validate a TOML config file.

    Raises:
        ConfigError: listing every problem found, each with its key path.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the config file: {exc.strerror}", str(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", str(path)) from None
    try:
        return parse_config(data, base_dir=path.resolve().parent)
    except ConfigError as exc:
        raise ConfigError(exc.problems, str(path)) from None


def _unknown(where: str, keys: Sequence[str], allowed: Sequence[str]) -> list[str]:
    out = []
    for key in keys:
        if key in allowed:
            continue
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        out.append(f"{where}{key}: unknown key{hint}; allowed keys are {', '.join(allowed)}")
    return out


def _collect(problems: list[str], fn: Any, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, or None with its ConfigError's problems added."""
    try:
        return fn(*args, **kwargs)
    except ConfigError as exc:
        problems.extend(exc.problems)
        return None


def parse_config(data: Mapping[str, Any], base_dir: Path | None = None) -> Config:
    """Build a :class:`Config` from a parsed TOML document (a dict).

    This only maps the sections onto the specs, which check their own values; what it
    checks itself is the shape of the document (unknown keys, a section of the wrong
    type) and what only a file needs (a source's ``id_column`` or ``preset``).  Every
    problem is named by its key path, and all are raised together.

    >>> cfg = parse_config({"resolver": {"threshold": 0.9},
    ...                     "sources": [{"name": "crm", "preset": "salesforce_contacts",
    ...                                  "path": "crm.csv"}]})
    >>> cfg.threshold, cfg.sources[0].kind
    (0.9, 'crm')
    """
    problems = _unknown("", list(data), _SECTIONS)
    kwargs: dict[str, Any] = {"base_dir": base_dir}

    resolver = data.get("resolver", {})
    if not isinstance(resolver, Mapping):
        problems.append("resolver: expected a table")
        resolver = {}
    problems += _unknown("resolver.", list(resolver), _RESOLVER_KEYS)
    # Each section is checked by the spec as it is read, so problems come in file order.
    settings = {k: resolver[k] for k in _RESOLVER_KEYS if k in resolver}
    if _collect(problems, Config, **settings) is not None:
        kwargs.update(settings)

    sources = data.get("sources", [])
    if not isinstance(sources, list):
        problems.append("sources: expected an array of tables ([[sources]])")
        sources = []
    parsed_sources = [_collect(problems, _parse_source, s, f"sources[{n}]")
                      for n, s in enumerate(sources)]
    kwargs["sources"] = tuple(s for s in parsed_sources if s is not None)

    rules = data.get("rules", [])
    if not isinstance(rules, list):
        problems.append("rules: expected an array of tables ([[rules]])")
        rules = []
    parsed_rules = []
    for n, entry in enumerate(rules):
        if not isinstance(entry, Mapping):
            problems.append(f"rules[{n}]: expected a table with name and keys")
            continue
        parsed_rules.append(_collect(problems, DeterministicRule.from_config, entry,
                                     f"rules[{n}]"))
    kwargs["rules"] = tuple(r for r in parsed_rules if r is not None)

    blocking = data.get("blocking", {})
    if not isinstance(blocking, Mapping):
        problems.append("blocking: expected a table with `rules`")
        blocking = {}
    problems += _unknown("blocking.", list(blocking), _BLOCKING_KEYS)
    blocking_rules = blocking.get("rules", [])
    if not isinstance(blocking_rules, list):
        problems.append("blocking.rules: expected a list of rules, each a list of keys, e.g. "
                        "[[\"email\"], [\"last_name:soundex\", \"dob\"]]")
        blocking_rules = []
    parsed_blocking = [_collect(problems, BlockingRule.parse, r, f"blocking.rules[{n}]")
                       for n, r in enumerate(blocking_rules)]
    kwargs["blocking"] = tuple(r for r in parsed_blocking if r is not None)
    if "max_pairs_per_rule" in blocking:
        limit = {"max_pairs_per_rule": blocking["max_pairs_per_rule"]}
        if _collect(problems, Config, **limit) is not None:
            kwargs.update(limit)

    comparisons = data.get("comparisons", [])
    if not isinstance(comparisons, list):
        problems.append("comparisons: expected an array of tables ([[comparisons]])")
        comparisons = []
    parsed_comparisons = [_collect(problems, comparison_from_config, c, f"comparisons[{n}]")
                          for n, c in enumerate(comparisons)]
    kwargs["comparisons"] = tuple(c for c in parsed_comparisons if c is not None)

    guards = data.get("guards", {})
    if not isinstance(guards, Mapping):
        problems.append("guards: expected a table")
    else:
        parsed_guards = _collect(problems, Guards.from_config, guards, "guards")
        if parsed_guards is not None:
            kwargs["guards"] = parsed_guards

    surv = data.get("survivorship", {})
    if not isinstance(surv, Mapping):
        problems.append("survivorship: expected a table")
        surv = {}
    problems += _unknown("survivorship.", list(surv), _SURVIVORSHIP_KEYS)
    if "default" in surv:
        default = _collect(problems, survivorship_from_config, surv["default"],
                           "survivorship.default")
        if default is not None:
            kwargs["default_survivorship"] = default
    fields = surv.get("fields", {})
    if not isinstance(fields, Mapping):
        problems.append("survivorship.fields: expected a table of field = rule")
        fields = {}
    policies = {}
    for name, entry in fields.items():
        policy = _collect(problems, survivorship_from_config, entry,
                          f"survivorship.fields.{name}")
        if policy is not None:
            policies[name] = policy
    kwargs["survivorship"] = policies
    problems += _order_problems(kwargs.get("default_survivorship"), policies,
                                [s.name for s in kwargs["sources"]])

    if problems:
        raise ConfigError(problems)
    return Config(**kwargs)


def _order_problems(default: Survivorship | None, policies: Mapping[str, Survivorship],
                    sources: Sequence[str]) -> list[str]:
    """Source names in a ``source_priority`` order that are not sources of the config."""
    out = []
    named = [("survivorship.default", default),
             *((f"survivorship.fields.{k}", v) for k, v in policies.items())]
    for where, policy in named:
        if policy is None or not sources:
            continue
        for name in policy.order:
            if name in sources:
                continue
            close = difflib.get_close_matches(name, sources, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            out.append(f"{where}.order: {name!r} is not a source; {hint}sources are "
                       f"{', '.join(sources)}")
    return out


def _known_fields() -> set[str]:
    """Fields a mapping may name without a warning: those of the registered field types
    (canonical fields and identifiers)."""
    return {t.name for t in field_types()}


def _field_typos(where: str, columns: Mapping[str, Any]) -> list[str]:
    """Mapped field names that look like a misspelt canonical field the source does not
    map (``frist_name``): an error, since that field would never be compared."""
    out = []
    known = _known_fields()
    canonical = schema.CANONICAL_FIELDS
    for name in columns:
        if name in known:
            continue
        close = [c for c in difflib.get_close_matches(name, canonical, n=1,
                                                      cutoff=0.8) if c not in columns]
        if close:
            out.append(f"{where}.columns.{name}: not a canonical field; did you mean "
                       f"{close[0]!r}? (canonical fields: {', '.join(canonical)})")
    return out


def config_warnings(config: Config) -> list[str]:
    """Warnings about a valid config: mapped fields that nothing uses.

    A mapped field that is neither canonical nor an identifier (those go into golden
    profiles) and that no comparison, rule, blocking key or guard names is read and then
    ignored: usually a misspelt or a forgotten field.

    >>> from unifyprofile.sources import Source
    >>> config = Config(sources=(Source("crm", id_column="id",
    ...                                 columns={"loyalty_no": "Loyalty"}),))
    >>> print(config_warnings(config)[0])
    source 'crm': field 'loyalty_no' (column 'Loyalty') is mapped, but no comparison, rule, \
blocking key or guard uses it, and it is not a field that golden profiles keep; compare \
it, block on it, or remove it
    """
    used = {c.field for c in config.comparisons}
    used |= {k.field for r in config.rules for k in r.keys}
    used |= {k.field for b in config.blocking for k in b.keys}
    guards = config.guards
    used |= {*guards.placeholders, *guards.hub_fields, *guards.unique_identifiers}
    out = []
    known = _known_fields()
    for source in config.sources:
        for name, column in source.mapping.items():
            if name in known or name in used:
                continue
            out.append(f"source '{source.name}': field '{name}' (column {column!r}) is "
                       "mapped, but no comparison, rule, blocking key or guard uses it, and "
                       "it is not a field that golden profiles keep; compare it, block on "
                       "it, or remove it")
    return out


def _parse_source(entry: Any, where: str) -> Source:
    """The Source of one ``[[sources]]`` table (the Source checks its own values)."""
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where}: expected a table")
    problems = _unknown(f"{where}.", list(entry), _SOURCE_KEYS)
    kwargs = {k: entry[k] for k in _SOURCE_KEYS if k in entry}
    kwargs["name"] = entry.get("name")
    preset = entry.get("preset")
    kwargs.setdefault("kind", PRESETS[preset].kind
                      if isinstance(preset, str) and preset in PRESETS else "other")
    if "events" in kwargs:
        try:
            kwargs["events"] = Events.from_config(kwargs["events"])
        except ConfigError as exc:
            problems += exc.located("events.", f"{where}.events.").problems
            del kwargs["events"]
    if kwargs.get("format") == "dataframe":
        problems.append(f"{where}.format: 'dataframe' needs an in-memory table, which a "
                        "config file cannot hold; use csv, parquet or jsonl")
        del kwargs["format"]
    source = _collect(problems, _located, Source, f"source {kwargs['name']!r}: ",
                      f"{where}.", **kwargs)
    if isinstance(entry.get("columns"), Mapping):
        problems += _field_typos(where, entry["columns"])
    if "preset" not in entry and "id_column" not in entry:
        problems.append(f"{where}: needs `id_column` (the column with the source's record "
                        f"id) or a `preset` ({', '.join(PRESETS)})")
    if problems:
        raise ConfigError(problems)
    return source


def _located(spec: Any, label: str, where: str, **kwargs: Any) -> Any:
    """``spec(**kwargs)``, its problems named by the key path ``where`` (see
    :meth:`ConfigError.located`)."""
    try:
        return spec(**kwargs)
    except ConfigError as exc:
        raise exc.located(label, where) from None


def dump_config(config: Config) -> str:
    """The config as TOML text (round-trips through :func:`load_config`)."""
    doc: dict[str, Any] = {
        "resolver": {"link_type": config.link_type, "threshold": config.threshold,
                     "seed": config.seed},
        "sources": [s.to_config() for s in config.sources],
        "rules": [r.to_config() for r in config.rules],
        "blocking": {"rules": [r.to_config() for r in config.blocking],
                     "max_pairs_per_rule": config.max_pairs_per_rule},
        "comparisons": [c.to_config() for c in config.comparisons],
        "guards": config.guards.to_config(),
        "survivorship": {"default": _surv_config(config.default_survivorship),
                         "fields": {k: _surv_config(v)
                                    for k, v in config.survivorship.items()}},
    }
    # An empty array of tables ([[rules]]) is no key at all.
    return tomli_w.dumps({k: v for k, v in doc.items() if v != []})


def _surv_config(policy: Survivorship) -> Any:
    return survivorship_to_config(policy)


