"""Word tokens of free text, shared by text comparisons and rare-token blocking.

Text is ASCII-folded and lowercased, then split into words.  A word that holds a digit
(a number or a model code such as ``KDL-40V3000`` or ``dslr-a200``) is kept whole with
its inner separators removed, so ``kdl40v3000`` is one token however it was punctuated;
other words split on their inner hyphens, slashes and dots.  Tokens with digits are
"strong": they identify a product, a part or an edition far more than a word does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from rapidfuzz.distance import OSA

from unifyprofile.standardise import ascii_fold

__all__ = ["is_strong", "token_matrix", "tokenise", "typo_pairs"]

_WORD = re.compile(r"[a-z0-9]+(?:[-/.'+][a-z0-9]+)*")
_INNER = re.compile(r"[-/.'+]")
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    return ascii_fold(text)


def tokenise(text: str) -> list[str]:
    """Distinct tokens of ``text`` in order of first appearance.

    >>> tokenise("Sony Bravia KDL-40V3000 40' LCD HDTV - kdl40v3000")
    ['sony', 'bravia', 'kdl40v3000', '40', 'lcd', 'hdtv']
    >>> tokenise("Semi-structured data: the XML-QL 2.0 approach")
    ['semi', 'structured', 'data', 'the', 'xml', 'ql', '20', 'approach']
    """
    out: dict[str, None] = {}
    for word in _WORD.findall(_fold(text)):
        if _DIGIT.search(word):
            out[_INNER.sub("", word)] = None
        else:
            for part in _INNER.split(word):
                if part:
                    out[part] = None
    return list(out)


def is_strong(token: str) -> bool:
    """A token with a digit (a number or model code) and at least two characters.

    >>> is_strong("kdl40v3000"), is_strong("40"), is_strong("5"), is_strong("sony")
    (True, True, False, False)
    """
    return len(token) >= 2 and _DIGIT.search(token) is not None


def token_matrix(uniques: np.ndarray, tokens: Callable[[str], list[str]] = tokenise
                 ) -> tuple[sp.csr_matrix, np.ndarray]:
    """Binary value x token matrix (one row per value) and the token vocabulary.

    Args:
        uniques: distinct text values (object array of str).
        tokens: the distinct tokens of one value (default :func:`tokenise`).

    Returns:
        ``(matrix, vocabulary)``: CSR float64 with a 1 where the value holds the token.
    """
    token_lists = [tokens(str(u)) for u in uniques]
    lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(token_lists))
    flat = np.empty(int(lengths.sum()), dtype=object)
    flat[:] = [t for ts in token_lists for t in ts]
    codes, vocabulary = pd.factorize(flat)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    data = np.ones(len(flat), dtype=np.float64)
    shape = (len(uniques), max(len(vocabulary), 1))
    matrix = sp.csr_matrix((data, codes.astype(np.int64), indptr), shape=shape)
    return matrix, np.asarray(vocabulary, dtype=object)


def typo_pairs(vocabulary: np.ndarray, min_length: int = 5, max_group: int = 50
               ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of tokens one typo apart: a letter dropped, added or changed, or two
    neighbouring letters swapped.

    Only words (no digits: a model code one character off is another product) of at
    least ``min_length`` letters, the longer of the two at least one more, take part: a
    typo in a short word ("bayer", "bauer") makes another word as often as a typo.
    Candidates share a string with one letter deleted (or whole), and are confirmed by
    their optimal-string-alignment distance; a deletion shared by more than
    ``max_group`` tokens is passed over.

    Args:
        vocabulary: distinct tokens (object array of str).

    Returns:
        ``(i, j)``: positions into ``vocabulary``, ``i < j``.

    Examples:
        >>> vocab = np.array(["systems", "systms", "sytsems", "bayer", "bauer", "kdl40v"],
        ...                  dtype=object)
        >>> [(str(vocab[a]), str(vocab[b])) for a, b in zip(*typo_pairs(vocab))]
        [('systems', 'systms'), ('systems', 'sytsems')]
    """
    owners: list[int] = []
    variants: list[str] = []
    for position, token in enumerate(vocabulary):
        token = str(token)
        if len(token) < min_length or _DIGIT.search(token):
            continue
        for cut in {token, *(token[:k] + token[k + 1:] for k in range(len(token)))}:
            owners.append(position)
            variants.append(cut)
    empty = np.empty(0, dtype=np.int64)
    if not variants:
        return empty, empty
    table = pd.DataFrame({"variant": pd.factorize(np.array(variants, dtype=object))[0],
                          "token": np.array(owners, dtype=np.int64)})
    sizes = table.groupby("variant")["token"].transform("size")
    table = table[(sizes >= 2) & (sizes <= max_group)]
    pairs = table.merge(table, on="variant")
    pairs = pairs.loc[pairs["token_x"] < pairs["token_y"], ["token_x", "token_y"]]
    pairs = pairs.drop_duplicates()
    i = pairs["token_x"].to_numpy(np.int64)
    j = pairs["token_y"].to_numpy(np.int64)
    keep = np.fromiter(
        (max(len(vocabulary[a]), len(vocabulary[b])) > min_length
         and OSA.distance(vocabulary[a], vocabulary[b], score_cutoff=1) <= 1
         for a, b in zip(i, j, strict=True)), dtype=bool, count=len(i))
    order = np.lexsort((j[keep], i[keep]))
    return i[keep][order], j[keep][order]


def stem_pairs(vocabulary: np.ndarray, min_stem: int = 5, max_tail: int = 4
               ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of model codes one of which is the other with a short tail: the maker's
    code and a shop's code for one item with its colour, region or pack suffix
    (``lrbp1031w`` and ``lrbp1031wh``, ``967562`` and ``9675620403``).

    Only strong tokens (see :func:`is_strong`) take part; the shorter holds at least
    ``min_stem`` characters and the longer at most ``max_tail`` more.

    Returns:
        ``(i, j)``: positions into ``vocabulary``, ``i < j``.

    Examples:
        >>> vocab = np.array(["jfs516", "jfs516na", "kdl40v3000", "kdl46v3000", "sony"],
        ...                  dtype=object)
        >>> [(str(vocab[a]), str(vocab[b])) for a, b in zip(*stem_pairs(vocab))]
        [('jfs516', 'jfs516na')]
    """
    position = {str(t): p for p, t in enumerate(vocabulary)
                if len(str(t)) >= min_stem and is_strong(str(t))}
    pairs = [(a, b) for token, b in position.items()
             for cut in range(1, max_tail + 1) if len(token) - cut >= min_stem
             for a in (position.get(token[:-cut]),) if a is not None]
    found = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    i, j = found.min(axis=1), found.max(axis=1)
    order = np.lexsort((j, i))
    return i[order], j[order]
