"""``python -m unifyprofile.serve.docs > docs/api.md``: print the API reference."""

from unifyprofile.serve._app import openapi
from unifyprofile.serve._docs import docs_markdown

__all__: list[str] = []

if __name__ == "__main__":  # pragma: no cover - a command
    print(docs_markdown(openapi()), end="")
