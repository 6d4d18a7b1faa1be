"""Fail when a runtime dependency of unifyprofile carries a copyleft licence.

unifyprofile is Apache-2.0, and whoever installs it must be able to ship it inside
closed code.  This walks the runtime requirements of the installed ``unifyprofile``
distribution, transitively (extras such as ``test``, ``docs`` or ``spark`` are not
runtime and are not followed), reads each installed distribution's licence from its
metadata (the SPDX ``License-Expression``, else the trove classifiers, else a short
``License`` field) and sorts it:

- **strong copyleft** (GPL, AGPL, SSPL, EUPL, OSL, CC-BY-SA): always a failure;
- **weak copyleft** (LGPL, MPL, EPL, CDDL): a failure unless the distribution is in
  :data:`ALLOWED` with the reason it is acceptable;
- **unknown** (no licence in the metadata): a failure, since nobody can tell;
- anything else is permissive.

An ``A OR B`` expression (or several licence classifiers, which is how dual licensing is
written there) is as free as its freest choice; ``A AND B`` is as strict as its strictest
part.

Usage::

    python .ci/check_licences.py            # checks the environment it runs in
    python .ci/check_licences.py --root PKG --path DIR   # another root, other site dirs

Exit status 0 when every runtime dependency passes, 1 otherwise (each failure printed).
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

#: Weak-copyleft runtime dependencies accepted on purpose, each with its reason.
ALLOWED = {
    "pycountry": (
        "LGPL-2.1: chosen in DESIGN.md for ISO 3166 countries and subdivisions; imported "
        "unmodified from its own installed package, so the LGPL places no terms on "
        "unifyprofile's code (users may replace pycountry with any version)."
    ),
    "nameparser": (
        "LGPL-2.1-or-later: chosen in DESIGN.md to split personal names; imported "
        "unmodified from its own installed package, so the LGPL places no terms on "
        "unifyprofile's code (users may replace nameparser with any version)."
    ),
}

PERMISSIVE, WEAK, STRONG, UNKNOWN = "permissive", "weak copyleft", "strong copyleft", "unknown"
_RANK = {PERMISSIVE: 0, WEAK: 1, UNKNOWN: 2, STRONG: 3}
_STRONG = re.compile(r"\b(A?GPL|SSPL|EUPL|OSL|CC-BY-SA)\b|GNU (Affero )?General Public|"
                     r"Affero|Server Side Public|European Union Public|Open Software Lic",
                     re.IGNORECASE)
_WEAK = re.compile(r"\b(LGPL|MPL|EPL|CDDL)\b|GNU (Lesser|Library) General Public|"
                   r"Mozilla Public|Eclipse Public|Common Development and Distribution",
                   re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    """One runtime dependency: its licence as read, its kind and whether it passes."""

    name: str
    version: str
    licence: str
    kind: str
    allowed_because: str | None = None

    @property
    def passes(self) -> bool:
        return self.kind == PERMISSIVE or (self.kind == WEAK and self.allowed_because is not None)


def kind_of_term(term: str) -> str:
    """The kind of one licence (an SPDX id or a classifier's or field's words)."""
    # LGPL contains "GPL" and "GNU Lesser General Public" contains "General Public":
    # test for the weak forms first.
    if _WEAK.search(term):
        return WEAK
    if _STRONG.search(term):
        return STRONG
    return PERMISSIVE


def kind_of_expression(expression: str) -> str:
    """The kind of an SPDX expression: the freest of its OR choices, each as strict as
    the strictest of its AND parts (parentheses are read loosely, which errs strict)."""
    flat = expression.replace("(", " ").replace(")", " ")
    choices = re.split(r"\s+OR\s+", flat)
    kinds = [max((kind_of_term(part) for part in re.split(r"\s+AND\s+", choice)),
                 key=_RANK.__getitem__) for choice in choices]
    return min(kinds, key=_RANK.__getitem__)


def licence_of(dist: md.Distribution) -> tuple[str, str]:
    """The licence text to show and its kind, from the best field the metadata has."""
    meta = dist.metadata
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression, kind_of_expression(expression)
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []
                   if c.startswith("License ::") and c.strip() != "License :: OSI Approved"]
    if classifiers:
        kinds = [kind_of_term(c) for c in classifiers]
        return " / ".join(classifiers), min(kinds, key=_RANK.__getitem__)
    field = (meta.get("License") or "").strip()
    # A long License field is the whole licence text (often with the notices of
    # bundled code); only a short one names the licence.
    if field and len(field) <= 200 and "\n" not in field:
        return field, kind_of_term(field)
    return field[:60] or "(none)", UNKNOWN


def runtime_distributions(root: str, path: Sequence[str] | None = None,
                          extras: Sequence[str] = ()) -> list[md.Distribution]:
    """``root`` and every distribution it needs at run time, transitively, as installed;
    ``extras`` of ``root`` (such as ``serve``, which users run in production) count as
    run time too.

    Raises:
        SystemExit: ``root`` or one of its runtime requirements is not installed.
    """
    found: dict[str, md.Distribution] = {}
    todo = [root]
    root_name = canonicalize_name(root)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        try:
            dist = (next(iter(md.distributions(name=name, path=list(path))), None)
                    if path is not None else md.distribution(name))
        except md.PackageNotFoundError:
            dist = None
        if dist is None:
            raise SystemExit(f"check_licences: {name} is required at run time but not "
                             "installed; install the package first (pip install -e .)")
        found[name] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            # Runtime only: a requirement behind an extra (test, docs, spark) is skipped,
            # but for the root's extras named in ``extras``.
            wanted = [""] + (list(extras) if name == root_name else [])
            if requirement.marker is None or any(
                    requirement.marker.evaluate({"extra": e}) for e in wanted):
                todo.append(requirement.name)
    return [found[k] for k in sorted(found)]


def check(dists: Iterable[md.Distribution], root: str,
          allowed: dict[str, str] | None = None) -> list[Verdict]:
    """A verdict for every distribution but ``root`` itself."""
    allowed = ALLOWED if allowed is None else allowed
    verdicts = []
    for dist in dists:
        name = canonicalize_name(dist.metadata["Name"])
        if name == canonicalize_name(root):
            continue
        licence, kind = licence_of(dist)
        verdicts.append(Verdict(name, dist.version, licence, kind, allowed.get(name)))
    return verdicts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default="unifyprofile",
                        help="distribution whose runtime requirements are checked")
    parser.add_argument("--path", action="append", default=None,
                        help="look for distributions here instead of sys.path (repeatable)")
    parser.add_argument("--extra", action="append", default=None,
                        help="an extra of the root that is run time too (repeatable; "
                             "default: serve, the HTTP service users run in production)")
    args = parser.parse_args(argv)
    extras = ["serve"] if args.extra is None else args.extra
    verdicts = check(runtime_distributions(args.root, args.path, extras), args.root)
    width = max((len(v.name) for v in verdicts), default=4)
    for v in verdicts:
        status = "ok" if v.passes else "FAIL"
        note = "   allowed: " + v.allowed_because if v.allowed_because and v.kind == WEAK else ""
        print(f"{status:4}  {v.name:<{width}}  {v.version:<12} {v.kind:<15} {v.licence}{note}")
    failed = [v for v in verdicts if not v.passes]
    for v in failed:
        fix = ("replace it with a permissively licensed package" if v.kind == STRONG else
               "replace it, or add it to ALLOWED in .ci/check_licences.py with the reason"
               if v.kind == WEAK else "find its licence and add it to the check")
        print(f"error: {v.name} {v.version} is a runtime dependency of {args.root} under "
              f"{v.licence!r} ({v.kind}); {fix}", file=sys.stderr)
    print(f"licences: {len(verdicts)} runtime dependencies of {args.root} checked, "
          f"{len(failed)} refused")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
