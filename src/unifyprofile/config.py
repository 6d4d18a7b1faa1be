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
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import tomli_w

from unifyprofile import schema
from unifyprofile.blocking import LINK_TYPES, BlockingRule
from unifyprofile.compare import Comparison, ExactMatch, PhoneComparison, comparison_from_config
from unifyprofile.errors import ConfigError
from unifyprofile.golden import Survivorship, survivorship_from_config
from unifyprofile.golden import to_config as survivorship_to_config
from unifyprofile.score import DeterministicRule, Guards
from unifyprofile.sources import KINDS, PRESETS, Source

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Config", "config_warnings", "dump_config", "load_config", "parse_config"]

_SECTIONS = ("resolver", "sources", "rules", "blocking", "comparisons", "guards",
             "survivorship")
_RESOLVER_KEYS = ("link_type", "threshold", "seed")
_SOURCE_KEYS = ("name", "kind", "path", "preset", "columns", "id_column", "updated_at",
                "format", "encoding", "delimiter", "default_region", "dayfirst", "trust",
                "unique_per_person", "max_field_lines", "max_field_bytes")
_BLOCKING_KEYS = ("rules", "max_pairs_per_rule")
_SURVIVORSHIP_KEYS = ("default", "fields")


@dataclass(frozen=True)
class Config:
    """Everything a :class:`~unifyprofile.Resolver` needs to know.

    Empty ``blocking`` or ``comparisons`` mean "choose from the fields present".
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
        object.__setattr__(self, "survivorship", MappingProxyType(dict(self.survivorship)))
        problems = []
        if self.link_type not in LINK_TYPES:
            problems.append(f"resolver.link_type: expected one of {', '.join(LINK_TYPES)}, "
                            f"got {self.link_type!r}")
        if not 0 < self.threshold <= 1:
            problems.append(f"resolver.threshold: must be in (0, 1] (got {self.threshold})")
        names = [s.name for s in self.sources]
        for c in self.comparisons:
            first = getattr(c, "first", None)
            if first is not None and names and first not in names:
                problems.append(f"comparison '{c.name}': first = {first!r} names no source; "
                                f"the sources are {', '.join(map(repr, names))}")
        if problems:
            raise ConfigError(problems)

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
        """Fields standardised as identifiers (upper case, without spaces, dashes, dots or
        underscores): the identifier fields of the schema and every field compared as
        codes (``ExactMatch(codes=True)``)."""
        return tuple(dict.fromkeys((*schema.ID_FIELDS, *(
            c.field for c in self.comparisons if isinstance(c, ExactMatch) and c.codes
            and c.field not in schema.CANONICAL_FIELDS))))


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


def _collect(problems: list[str], fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except ConfigError as exc:
        problems.extend(exc.problems)
        return None


def parse_config(data: Mapping[str, Any], base_dir: Path | None = None) -> Config:
    """Build a :class:`Config` from a parsed TOML document (a dict).

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
    if "link_type" in resolver:
        if resolver["link_type"] not in LINK_TYPES:
            problems.append(f"resolver.link_type: expected one of {', '.join(LINK_TYPES)}, "
                            f"got {resolver['link_type']!r}")
        else:
            kwargs["link_type"] = resolver["link_type"]
    if "threshold" in resolver:
        t = resolver["threshold"]
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 < t <= 1:
            problems.append(f"resolver.threshold: must be in (0, 1] (got {t!r})")
        else:
            kwargs["threshold"] = float(t)
    if "seed" in resolver:
        if not isinstance(resolver["seed"], int) or isinstance(resolver["seed"], bool):
            problems.append(f"resolver.seed: expected an integer, got {resolver['seed']!r}")
        else:
            kwargs["seed"] = resolver["seed"]

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
        value = blocking["max_pairs_per_rule"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(f"blocking.max_pairs_per_rule: expected an integer >= 1, "
                            f"got {value!r}")
        else:
            kwargs["max_pairs_per_rule"] = value

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


#: Fields a mapping may name without a warning: canonical fields and identifiers.
_KNOWN_FIELDS = (*schema.CANONICAL_FIELDS, *schema.ID_FIELDS)


def _field_typos(where: str, columns: Mapping[str, Any]) -> list[str]:
    """Mapped field names that look like a misspelt canonical field the source does not
    map (``frist_name``): an error, since that field would never be compared."""
    out = []
    for name in columns:
        if name in _KNOWN_FIELDS:
            continue
        close = [c for c in difflib.get_close_matches(name, schema.CANONICAL_FIELDS, n=1,
                                                      cutoff=0.8) if c not in columns]
        if close:
            out.append(f"{where}.columns.{name}: not a canonical field; did you mean "
                       f"{close[0]!r}? (canonical fields: "
                       f"{', '.join(schema.CANONICAL_FIELDS)})")
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
    for source in config.sources:
        for name, column in source.mapping.items():
            if name in _KNOWN_FIELDS or name in used:
                continue
            out.append(f"source '{source.name}': field '{name}' (column {column!r}) is "
                       "mapped, but no comparison, rule, blocking key or guard uses it, and "
                       "it is not a field that golden profiles keep; compare it, block on "
                       "it, or remove it")
    return out


def _parse_source(entry: Any, where: str) -> Source:
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where}: expected a table")
    problems = _unknown(f"{where}.", list(entry), _SOURCE_KEYS)
    name = entry.get("name")
    if not isinstance(name, str) or not name or ":" in name:
        problems.append(f"{where}.name: expected a short name without ':' (it prefixes "
                        f"record ids), got {name!r}")
    preset = entry.get("preset")
    if preset is not None and preset not in PRESETS:
        problems.append(f"{where}.preset: unknown preset {preset!r}; available: "
                        f"{', '.join(PRESETS)}")
        preset = None
    kind = entry.get("kind", PRESETS[preset].kind if preset else "other")
    if kind not in KINDS:
        problems.append(f"{where}.kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    columns = entry.get("columns", {})
    if not isinstance(columns, Mapping) or not all(
            isinstance(v, str) or (isinstance(v, list) and v and all(isinstance(x, str)
                                                                     for x in v))
            for v in columns.values()):
        problems.append(f"{where}.columns: expected a table of canonical_field = "
                        f"\"source column\" (or a list of columns to join), got {columns!r}")
        columns = {}
    for key, expected in (("path", str), ("id_column", str), ("updated_at", str),
                          ("format", str), ("encoding", str), ("delimiter", str),
                          ("default_region", str), ("dayfirst", bool),
                          ("unique_per_person", bool)):
        if key in entry and not isinstance(entry[key], expected):
            problems.append(f"{where}.{key}: expected a {expected.__name__}, "
                            f"got {entry[key]!r}")
    if "format" in entry and entry["format"] not in ("csv", "parquet", "jsonl"):
        problems.append(f"{where}.format: expected csv, parquet or jsonl, got {entry['format']!r}")
    trust = entry.get("trust", 1.0)
    if isinstance(trust, bool) or not isinstance(trust, (int, float)) or trust < 0:
        problems.append(f"{where}.trust: expected a number >= 0, got {trust!r}")
    if isinstance(columns, Mapping):
        problems += _field_typos(where, columns)
    if preset is None and "id_column" not in entry:
        problems.append(f"{where}: needs `id_column` (the column with the source's record "
                        f"id) or a `preset` ({', '.join(PRESETS)})")
    if problems:
        raise ConfigError(problems)
    for key in ("max_field_lines", "max_field_bytes"):
        value = entry.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(f"{where}.{key}: expected an integer >= 1, got {value!r}")
    if problems:
        raise ConfigError(problems)
    kwargs = {k: entry[k] for k in _SOURCE_KEYS if k in entry and k not in ("columns", "kind")}
    try:
        return Source(kind=kind, columns=dict(columns), **kwargs)
    except ConfigError as exc:  # e.g. a region that phonenumbers does not know
        raise ConfigError([f"{where}.{p.split(': ', 1)[1]}" for p in exc.problems]) from None


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


