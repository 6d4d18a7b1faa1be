"""The API reference, rendered from the OpenAPI document: Markdown for ``docs/api.md``
(a test checks the file against the document) and a self-contained page for ``/docs``
(no script from a CDN: the server holds personal data, and its page loads nothing from
elsewhere)."""

from __future__ import annotations

import html
import json
from typing import Any

__all__ = ["docs_html", "docs_markdown"]

_HEADER = """\
# HTTP API

<!-- Generated from the service's OpenAPI document; do not edit by hand.
     Regenerate: python -m unifyprofile.serve.docs > docs/api.md -->

`unifyprofile serve --store DB` serves this API (see [the service](service.md)).
Every endpoint but `/healthz` needs an API key with the scope named below, sent as
`Authorization: Bearer <key>`; the live document is at `/openapi.json` and `/docs`.
"""


def _ref(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_ref(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_ref(schema.get('items', {}))}"
    if schema.get("type") == "object" and "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        return f"object of {_ref(extra) if isinstance(extra, dict) else 'any'}"
    return str(schema.get("type", "any"))


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            out.append((method.upper(), path, op))
    return out


def _body(op: dict[str, Any]) -> str | None:
    content = op.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return None if schema is None else _ref(schema)


def _answer(op: dict[str, Any]) -> str | None:
    ok = op.get("responses", {}).get("200", {})
    schema = ok.get("content", {}).get("application/json", {}).get("schema")
    return None if not schema or not (schema.get("$ref") or schema.get("type")) \
        else _ref(schema)


def docs_markdown(spec: dict[str, Any]) -> str:
    """``docs/api.md``: every endpoint (method, path, summary, parameters, body, answer)
    and every body's fields."""
    lines = [_HEADER, "## Endpoints", ""]
    for method, path, op in _operations(spec):
        scope = ", ".join(op.get("tags", []))
        lines += [f"### `{method} {path}`", "", op.get("summary", ""), "",
                  f"- key scope: {scope}" if scope != "open" else "- no key needed"]
        for p in op.get("parameters", []):
            required = "required" if p.get("required") else "optional"
            text = p.get("description") or p.get("schema", {}).get("description", "")
            lines.append(f"- `{p['name']}` ({p['in']}, {required}): {text}".rstrip(": "))
        body, answer = _body(op), _answer(op)
        if body:
            lines.append(f"- body: `{body}`")
        if answer:
            lines.append(f"- answer: `{answer}`")
        lines.append("")
    lines += ["## Bodies", ""]
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        if name in ("HTTPValidationError", "ValidationError"):
            continue
        lines += [f"### `{name}`", ""]
        if schema.get("description"):
            lines += [schema["description"], ""]
        needed = set(schema.get("required", []))
        lines += ["| field | type | required | meaning |", "| --- | --- | --- | --- |"]
        for field_name, field in schema.get("properties", {}).items():
            meaning = " ".join(str(field.get("description", "")).split()).replace("|", "\\|")
            lines.append(f"| `{field_name}` | {_ref(field)} | "
                         f"{'yes' if field_name in needed else 'no'} | {meaning} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def docs_html(spec: dict[str, Any]) -> str:
    """The ``/docs`` page: the same reference, with the document itself at the end."""
    body = []
    for method, path, op in _operations(spec):
        params = "".join(
            f"<li><code>{html.escape(p['name'])}</code> ({html.escape(p['in'])})</li>"
            for p in op.get("parameters", []))
        extra = "".join(f"<li>{label}: <code>{html.escape(value)}</code></li>"
                        for label, value in (("body", _body(op)), ("answer", _answer(op)))
                        if value)
        body.append(f"<section><h2><code>{method} {html.escape(path)}</code></h2>"
                    f"<p>{html.escape(op.get('summary', ''))}</p><ul>{params}{extra}</ul>"
                    "</section>")
    document = html.escape(json.dumps(spec, indent=2))
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            "<title>unifyprofile API</title><style>body{font:15px/1.5 system-ui,sans-serif;"
            "max-width:60rem;margin:2rem auto;padding:0 1rem}code,pre{font-size:13px}"
            "section{border-top:1px solid #ddd}pre{background:#f6f6f6;padding:1rem;"
            "overflow:auto}</style></head><body><h1>unifyprofile API</h1>"
            "<p>The OpenAPI document is at <a href='/openapi.json'>/openapi.json</a>.</p>"
            + "".join(body) + f"<h2>OpenAPI document</h2><pre>{document}</pre></body></html>")
