"""The HTTP service: ``unifyprofile serve --store DB`` (needs the ``serve`` extra:
``pip install "unifyprofile[serve]"``).

A versioned JSON API over one identity store -- resolve, entities, timelines, explain,
ingest, Segment feeds, erasure, health and metrics -- with API keys by scope, one
writer and reads that never wait for it.  See ``docs/service.md``.

The API keys (:class:`KeyRing`) need nothing but the standard library; the app and its
documents import FastAPI when first used.
"""

from typing import Any

from unifyprofile.serve._keys import SCOPES, ApiKey, KeyRing

__all__ = ["SCOPES", "ApiKey", "KeyRing", "Limits", "create_app", "docs_html",
           "docs_markdown", "openapi"]

_LAZY = {"Limits": "_app", "create_app": "_app", "openapi": "_app",
         "docs_html": "_docs", "docs_markdown": "_docs"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"unifyprofile.serve.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'unifyprofile.serve' has no attribute {name!r}")
