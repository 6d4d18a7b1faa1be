"""The HTTP service: ``unifyprofile serve --store DB`` (needs the ``serve`` extra:
``pip install "unifyprofile[serve]"``).

A versioned JSON API over one identity store -- resolve, entities, timelines, explain,
ingest, Segment feeds, erasure, health and metrics -- with API keys by scope, one
writer thread and reads that never wait for it.  See ``docs/service.md``.
"""

from unifyprofile.serve._app import Limits, create_app, openapi
from unifyprofile.serve._docs import docs_html, docs_markdown
from unifyprofile.serve._keys import SCOPES, ApiKey, KeyRing

__all__ = ["SCOPES", "ApiKey", "KeyRing", "Limits", "create_app", "docs_html",
           "docs_markdown", "openapi"]
