"""Email addresses: one canonical mailbox per person.

Rules, in order: trim, strip ``mailto:`` and surrounding ``<>``, lowercase; validate
pragmatically (one ``@``, non-empty local part, a dotted domain, no spaces); fold the
provider aliases that deliver to the same mailbox (Gmail ignores dots and ``+tags`` and
answers on googlemail.com too; several providers support ``+tags``); reject the junk that
forms put in required fields (``test@test.com``, ``noreply@...``, ``@example.com``).
"""

from __future__ import annotations

import re

import pandas as pd

from ._common import INVALID, PLACEHOLDER, StdFlag, map_std_flag

__all__ = ["standardise_email"]

_VALID = re.compile(r"[^@\s<>\x00-\x1f\x7f]+@(?:[^@\s<>.\x00-\x1f\x7f]+\.)+[^@\s<>.\x00-\x1f\x7f]+")
_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
#: Providers that deliver ``local+tag@domain`` to ``local@domain``.
_PLUS_DOMAINS = frozenset(
    {
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "fastmail.com",
        "protonmail.com",
        "proton.me",
    }
)
_PLACEHOLDER_ADDRESSES = frozenset(
    {
        "test@test.com",
        "none@none.com",
        "email@email.com",
        "mail@mail.com",
        "na@na.com",
        "no@no.com",
        "abc@abc.com",
        "abc@xyz.com",
        "name@domain.com",
        "user@domain.com",
        "email@domain.com",
        "your@email.com",
        "youremail@domain.com",
    }
)
_PLACEHOLDER_LOCALS = frozenset(
    {
        "test",
        "none",
        "null",
        "nil",
        "na",
        "n/a",
        "unknown",
        "asdf",
        "noemail",
        "no-email",
        "no_email",
        "nomail",
        "no-mail",
        "noreply",
        "no-reply",
        "no_reply",
        "donotreply",
        "do-not-reply",
        "do_not_reply",
        "nobody",
        "dummy",
        "fake",
        "x",
        "xx",
        "xxx",
    }
)
_PLACEHOLDER_DOMAINS = frozenset(
    {"example.com", "example.org", "example.net", "example.edu", "none.com", "noemail.com"}
)
#: Reserved top-level domains (RFC 2606) that never deliver mail.
_PLACEHOLDER_TLDS = frozenset({"example", "invalid", "test", "localhost", "local"})


def _unwrap(text: str) -> str:
    # Loop to a fixed point so that "<mailto:<a@b.com>>" and friends unwrap fully and
    # a second pass finds nothing left to strip (idempotence).
    while True:
        before = text
        text = text.strip().strip("<>").strip()
        if text[:7].lower() == "mailto:":
            text = text[7:]
        if text == before:
            return text


def _is_placeholder(local: str, domain: str) -> bool:
    if f"{local}@{domain}" in _PLACEHOLDER_ADDRESSES:
        return True
    if local in _PLACEHOLDER_LOCALS or domain in _PLACEHOLDER_DOMAINS:
        return True
    labels = domain.split(".")
    if labels[-1] in _PLACEHOLDER_TLDS:
        return True
    # a@a.com, x@x.com, ab@ab.net: a very short local part repeating the domain name.
    return len(local) <= 2 and local == labels[0]


def _parse_email(text: str) -> StdFlag:
    address = _unwrap(text).lower()
    if address.count("@") != 1:
        return None, INVALID
    local, domain = address.split("@")
    domain = domain.rstrip(".")
    if domain in _GMAIL_DOMAINS:
        domain = "gmail.com"
        local = local.split("+", 1)[0].replace(".", "")
    elif domain in _PLUS_DOMAINS:
        local = local.split("+", 1)[0]
    address = f"{local}@{domain}"
    if not local or _VALID.fullmatch(address) is None:
        return None, INVALID
    if _is_placeholder(local, domain):
        return None, PLACEHOLDER
    return address, None


def standardise_email(values: pd.Series) -> pd.DataFrame:
    """Standardise email addresses to one canonical form per mailbox.

    Args:
        values: raw email addresses (any dtype; nulls and blank strings allowed).

    Returns:
        A frame with the index of ``values`` and two object columns: ``std``, the
        canonical address (None when missing, invalid or a placeholder), and ``flag``
        (None, ``"invalid"`` or ``"placeholder"``).

    Examples:
        >>> raw = pd.Series(["  <J.Smith+news@GoogleMail.com>", "test@test.com", "bob@", None])
        >>> standardise_email(raw)
                        std         flag
        0  jsmith@gmail.com         None
        1              None  placeholder
        2              None      invalid
        3              None         None
    """
    return map_std_flag(values, _parse_email)
