"""docs/api.md is the service's OpenAPI document rendered; it must not drift from it."""

from __future__ import annotations

from pathlib import Path

from unifyprofile.serve import docs_markdown, openapi

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_docs_api_md_matches_the_openapi_document() -> None:
    assert DOCS.read_text() == docs_markdown(openapi()), (
        "docs/api.md differs from the API; regenerate it with: "
        "python -m unifyprofile.serve.docs > docs/api.md")


def test_every_endpoint_says_its_scope() -> None:
    spec = openapi()
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            assert op.get("tags") in (["open"], ["read"], ["write"], ["erase"]), (method, path)
