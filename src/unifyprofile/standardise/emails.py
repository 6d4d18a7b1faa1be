"""Email addresses: one canonical mailbox per person.

Rules, in order: trim, strip ``mailto:`` and surrounding ``<>``, lowercase; validate
pragmatically (one ``@``, non-empty local part, a dotted domain, no spaces); fold the
provider aliases that deliver to the same mailbox (Gmail ignores dots and ``+tags`` and
answers on googlemail.com too; several providers support ``+tags``); reject the junk that
forms put in required fields (``test@test.com``, ``noreply@...``, ``@example.com``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._common import INVALID, PLACEHOLDER, StdFlag, map_std_flag_fast

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
        "no",
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
    return map_std_flag_fast(values, _parse_fast, _parse_email)


# Printable ASCII without space, "<", ">", ":" and "@": an address made of these around
# one "@" needs no unwrapping, and lowercases the same in Arrow as in Python.
_PLAIN = "[!-9;=?A-~]+"
_SIMPLE = f"^{_PLAIN}@{_PLAIN}$"
# _VALID restricted to such addresses.
_SIMPLE_VALID = r"^[^@]+@(?:[^@.]+\.)+[^@.]+$"


def _parse_fast(text: pa.Array) -> tuple[np.ndarray, pa.Array, pa.Array]:
    """:func:`_parse_email` of every plain ASCII address at once, in Arrow."""
    done = pc.fill_null(pc.match_substring_regex(text, _SIMPLE), False)
    # The rest is parsed one by one afterwards; a stand-in keeps the kernels total.
    address = pc.utf8_lower(pc.if_else(done, text, "x@y.z"))
    parts = pc.split_pattern(address, "@")
    local = pc.list_element(parts, 0)
    domain = pc.utf8_rtrim(pc.list_element(parts, 1), characters=".")
    gmail = pc.is_in(domain, value_set=pa.array(sorted(_GMAIL_DOMAINS)))
    untagged = pc.replace_substring_regex(local, r"\+.*", "")
    local = pc.if_else(
        gmail,
        pc.replace_substring(untagged, ".", ""),
        pc.if_else(pc.is_in(domain, value_set=pa.array(sorted(_PLUS_DOMAINS))), untagged, local),
    )
    domain = pc.if_else(gmail, "gmail.com", domain)
    address = pc.binary_join_element_wise(local, domain, "@")
    valid = pc.and_(
        pc.greater(pc.utf8_length(local), 0), pc.match_substring_regex(address, _SIMPLE_VALID)
    )
    first_label = pc.replace_substring_regex(domain, r"\..*", "")
    last_label = pc.replace_substring_regex(domain, r"^.*\.", "")
    placeholder = pc.or_(
        pc.or_(
            pc.is_in(address, value_set=pa.array(sorted(_PLACEHOLDER_ADDRESSES))),
            pc.is_in(local, value_set=pa.array(sorted(_PLACEHOLDER_LOCALS))),
        ),
        pc.or_(
            pc.or_(
                pc.is_in(domain, value_set=pa.array(sorted(_PLACEHOLDER_DOMAINS))),
                pc.is_in(last_label, value_set=pa.array(sorted(_PLACEHOLDER_TLDS))),
            ),
            pc.and_(pc.less_equal(pc.utf8_length(local), 2), pc.equal(local, first_label)),
        ),
    )
    null = pa.scalar(None, pa.string())
    std = pc.if_else(pc.and_(valid, pc.invert(placeholder)), address, null)
    flag = pc.if_else(pc.invert(valid), INVALID, pc.if_else(placeholder, PLACEHOLDER, null))
    return done.to_numpy(zero_copy_only=False), std, flag
