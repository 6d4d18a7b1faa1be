"""The HTTP service: a versioned JSON API over one identity store.

Why FastAPI (on Starlette, served by uvicorn): the request and response bodies are
declared once, as pydantic models, and that one declaration gives the validation (a 422
that names the field), the OpenAPI document (``/openapi.json``, rendered at ``/docs`` and
into ``docs/api.md``) and the JSON encoding.  Starlette alone would need the three
written by hand and kept in step.  FastAPI costs ~0.5 s of import, once, at start-up.

Reads and writes are kept apart (see :mod:`._writer`): ``resolve``, ``entities``,
``explain`` and ``timeline`` read through their own connection of the store file and
never wait for a write (SQLite's write-ahead log gives them the last committed state);
writes queue for the one writer -- a thread in a process of its own, so that the writes'
work runs on another core than the reads -- and are answered after they commit.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from unifyprofile.errors import ConfigError, DataError, StoreError, UnifyProfileError
from unifyprofile.serve._docs import docs_html
from unifyprofile.serve._keys import ApiKey, KeyRing
from unifyprofile.serve._metrics import Metrics
from unifyprofile.serve._reads import InProcess, ReaderPool, Refusal
from unifyprofile.serve._writer import Erase, Ingest, WriterProcess, as_table, record_ids
from unifyprofile.sources import feed_source, segment_messages
from unifyprofile.store import IdentityStore

__all__ = ["Limits", "create_app", "openapi"]

#: The access log: one line per request -- method, route (its template, so ids in the
#: path are not written), status, latency, key id.  Never a body, a query string or a
#: personal value.
access_log = logging.getLogger("unifyprofile.serve.access")


@dataclass(frozen=True)
class Limits:
    """What one request may carry.

    Attributes:
        max_body: bytes of a request body (larger: 413).
        max_batch: records (or feed messages) of one request (more: 413).
        evidence: candidates returned with a resolve by default.
        readers: reader processes answering reads side by side (0: the server's own
            process answers them, one at a time).
    """

    max_body: int = 4 << 20
    max_batch: int = 1000
    evidence: int = 10
    #: Reader processes (0: reads in the server's own process, one at a time).
    readers: int = 0


# ---------------------------------------------------------------------- bodies
class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ResolveRequest(_Body):
    """One record to resolve (nothing is written)."""

    record: dict[str, Any] = Field(
        description="Canonical fields (first_name, email, ...) or, with `source`, that "
                    "source's own column names.",
        examples=[{"first_name": "Ann", "email": "ann@example.org"}])
    source: str | None = Field(
        None, description="The config source the record comes from (its column names, "
                          "phone region and date order).")
    evidence: int | None = Field(
        None, ge=0, le=1000, description="Candidates to return (default: the server's).")


class ResolveBatchRequest(_Body):
    """Records to resolve (nothing is written)."""

    records: list[dict[str, Any]] = Field(description="Records, as for /v1/resolve.")
    source: str | None = None
    evidence: int | None = Field(None, ge=0, le=1000)


class IngestRequest(_Body):
    """One record or a batch, in the source's own column names (nested JSON objects are
    read as ``a.b`` columns, as in a JSONL export)."""

    record: dict[str, Any] | None = None
    records: list[dict[str, Any]] | None = None


class EraseRequest(_Body):
    """A subject request: exactly one of ``record_ids``, ``entity_id``, ``match``."""

    record_ids: list[str] | None = None
    entity_id: str | None = None
    match: dict[str, Any] | None = Field(
        None, description="Field -> value, e.g. {\"email\": \"ann@example.org\"}.")
    dry_run: bool = Field(False, description="Say what would be erased; erase nothing.")
    compact: bool = Field(True, description="Rewrite the file so the erased bytes are gone "
                                            "from disk (seconds on a large store).")


class ResolveResponse(BaseModel):
    entity_id: str | None
    probability: float
    entities: list[str]
    golden: dict[str, Any] | None
    candidates: list[dict[str, Any]]
    compared: int


class EntityResponse(BaseModel):
    entity_id: str
    requested_id: str
    merged: bool = Field(description="The requested id was merged into `entity_id`.")
    golden: dict[str, Any]
    record_ids: list[str]


class IngestResponse(BaseModel):
    run_id: int | None
    records: dict[str, str | None] = Field(description="Record id -> its entity now.")
    created: list[str]
    updated: list[str]
    merged: list[list[str]]
    split: list[list[str]]
    rejects: list[dict[str, Any]]
    suppressed: list[str]


class ResolveBatchResponse(BaseModel):
    results: list[ResolveResponse]


class TimelineResponse(BaseModel):
    entity_id: str
    requested_id: str
    events: list[dict[str, Any]] = Field(
        description="In time order: at, source, channel, type, status, amount, "
                    "properties, record_id, event_id.")


class ExplainResponse(BaseModel):
    record_ids: list[str]
    entity_ids: list[str | None]
    same_entity: bool
    reason: str
    path: list[dict[str, Any]] = Field(description="The links joining the two records, "
                                                   "each with its evidence.")
    direct: dict[str, Any] = Field(description="The two records scored against each "
                                               "other now.")
    evidence: list[dict[str, Any]] = Field(
        description="One row per comparison: both values, the level, its label and the "
                    "log2 Bayes factor.")


class EraseResponse(BaseModel):
    dry_run: bool
    records: int
    entities: list[str]
    record_ids: list[str]
    run_id: int | None = None
    split: list[list[str]] = []
    erased: list[str] = []
    updated: list[str] = []


class SegmentMessage(BaseModel):
    """A Segment-spec call, or ``{"batch": [calls]}``."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(description="identify, track, page or screen.")
    messageId: str = Field(description="Unique per message: a replay counts once.")
    timestamp: str = Field(description="ISO 8601.")
    userId: str | None = None
    anonymousId: str | None = None
    traits: dict[str, Any] | None = Field(None, description="identify: the user's fields.")
    event: str | None = Field(None, description="track: the event name.")
    properties: dict[str, Any] | None = None
    context: dict[str, Any] | None = None


class FeedResponse(IngestResponse):
    events: int = Field(description="Touchpoint events stored (track, page, screen).")
    ignored: list[dict[str, Any]] = Field(description="Messages not used, with the reason.")


# ---------------------------------------------------------------------- the service
class Service:
    """The state behind the app: the readers, the writer, the keys, the metrics."""

    def __init__(self, path: Path, *, insecure: bool, limits: Limits) -> None:
        self.path = path
        self.insecure = insecure
        self.limits = limits
        self.metrics = Metrics()
        self.keys = KeyRing(path)
        #: The store's config (sources, their columns) for checking requests.
        self.meta = IdentityStore(path)
        self.readers: InProcess | ReaderPool = (
            ReaderPool(path, limits.readers) if limits.readers > 0 else InProcess(path))
        self.writer = WriterProcess(path, committed=self.metrics.committed)
        self._verified: dict[str, tuple[float, ApiKey | None]] = {}

    @property
    def config(self) -> Any:
        return self.meta.config

    def close(self) -> None:
        self.writer.close()
        self.readers.close()
        self.meta.close()

    async def read(self, op: str, *args: Any) -> Any:
        """A read (see :mod:`._reads`): in a reader process, or in a thread here."""
        if isinstance(self.readers, InProcess):
            future = await asyncio.to_thread(self.readers.submit, (op, args))
        else:
            future = self.readers.submit((op, args))
        return await asyncio.wrap_future(future)

    def key(self, presented: str) -> ApiKey | None:
        """The key presented, checked against the file at most once a second (a revoked
        key is refused within a second)."""
        digest = hashlib.sha256(presented.encode()).hexdigest()
        now = time.monotonic()
        hit = self._verified.get(digest)
        if hit is not None and hit[0] > now:
            return hit[1]
        key = self.keys.verify(presented)
        if len(self._verified) > 10_000:
            self._verified.clear()
        self._verified[digest] = (now + 1.0, key)
        return key

    async def write(self, job: Ingest | Erase) -> Any:
        return await asyncio.wrap_future(self.writer.submit(job))


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def _presented(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-api-key")


def require(scope: str) -> Callable[[Request], Awaitable[ApiKey]]:
    """A dependency: the request's API key, which must have ``scope``."""

    async def check(request: Request) -> ApiKey:  # no thread hop: a dict look-up
        service = _service(request)
        key: ApiKey | None
        if service.insecure:
            key = ApiKey("local", "insecure-local", ("read", "write", "erase"), "", None)
        else:
            presented = _presented(request)
            key = service.key(presented) if presented else None
            if key is None:
                raise HTTPException(
                    401, "missing or invalid API key: send 'Authorization: Bearer <key>' "
                         "(create one with: unifyprofile keys create --store DB)",
                    headers={"WWW-Authenticate": "Bearer"})
        request.state.key_id = key.key_id
        if scope not in key.scopes:
            raise HTTPException(403, f"API key {key.key_id} lacks the '{scope}' scope "
                                     f"(it has: {', '.join(key.scopes)})")
        return key

    return check


Reader = Annotated[ApiKey, Depends(require("read"))]
WriterKey = Annotated[ApiKey, Depends(require("write"))]
Eraser = Annotated[ApiKey, Depends(require("erase"))]


def _source_of(service: Service, source: str) -> str:
    names = [s.name for s in service.config.sources]
    if source not in names:
        raise HTTPException(404, f"no source {source!r} in the store's config; sources: "
                                 f"{', '.join(names)}")
    return source


def _batch(service: Service, count: int, what: str) -> None:
    if count > service.limits.max_batch:
        raise HTTPException(413, f"{count} {what} in one request; the limit is "
                                 f"{service.limits.max_batch} (serve --max-batch): split it")


def create_app(store: str | Path, *, insecure: bool = False,
               limits: Limits | None = None) -> FastAPI:
    """The ASGI app serving ``store`` (an identity store file that holds a config).

    Args:
        store: the identity store file.
        insecure: no API keys (development on loopback only; the command line refuses
            any other address with it).
        limits: request size and batch limits.
    """
    path = Path(store)
    if not path.exists():
        raise StoreError(f"{path}: no such store; build one first with unifyprofile ingest "
                         "CONFIG --store FILE")
    return _build(Service(path, insecure=insecure, limits=limits or Limits()))


def openapi() -> dict[str, Any]:
    """The service's OpenAPI document (no store needed)."""
    return dict(_build(None).openapi())


def _build(service: Any) -> FastAPI:
    """The app; ``service`` None gives one for its OpenAPI document only."""
    app = FastAPI(
        title="unifyprofile", version="1", docs_url=None, redoc_url=None,
        description="Live customer profiles: resolve records to entities, read golden "
                    "profiles and journeys, ingest records and feeds, erase subjects.")
    app.state.service = service
    document = app.openapi

    def with_feed_body() -> dict[str, Any]:
        spec = document()
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("SegmentMessage", SegmentMessage.model_json_schema())
        return spec

    app.openapi = with_feed_body  # type: ignore[method-assign]
    app.add_exception_handler(UnifyProfileError, _library_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Refusal, _refusal)
    if service is not None:
        app.add_middleware(_Guard, service=service)
        app.router.on_shutdown.append(service.close)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_html(app.openapi()))

    @app.get("/healthz", tags=["open"],
             summary="Readiness: 200 once the store is open and the readers and the writer "
                     "run, 503 before (no key needed).")
    def healthz() -> JSONResponse:
        for part, name in ((service.readers, "readers"), (service.writer, "writer")):
            if part.failed:
                return JSONResponse({"status": f"{name} failed", "write_queue": 0},
                                    status_code=503)
            if not part.ready.is_set():
                return JSONResponse({"status": "starting", "write_queue": 0},
                                    status_code=503)
        return JSONResponse({"status": "ok", "write_queue": service.writer.depth})

    @app.get("/metrics", tags=["read"], response_class=PlainTextResponse,
             summary="Prometheus text: requests, latencies, store size, ingest lag.")
    async def metrics(key: Reader) -> Response:
        stats = await service.read("stats")
        body, kind = service.metrics.render(stats, service.writer.depth)
        return Response(body, media_type=kind)

    @app.post("/v1/resolve", tags=["read"], response_model=ResolveResponse,
              summary="Which entity a record belongs to, with its golden profile and the "
                      "evidence. Writes nothing.")
    async def resolve(body: ResolveRequest, key: Reader) -> dict[str, Any]:
        if body.source is not None:
            _source_of(service, body.source)
        evidence = service.limits.evidence if body.evidence is None else body.evidence
        (answer,) = await service.read("resolve", [body.record], body.source, evidence)
        return dict(answer)

    @app.post("/v1/resolve/batch", tags=["read"], response_model=ResolveBatchResponse,
              summary="Resolve up to max-batch records; writes nothing.")
    async def resolve_batch(body: ResolveBatchRequest, key: Reader) -> dict[str, Any]:
        _batch(service, len(body.records), "records")
        if body.source is not None:
            _source_of(service, body.source)
        evidence = service.limits.evidence if body.evidence is None else body.evidence
        return {"results": await service.read("resolve", body.records, body.source,
                                              evidence)}

    @app.get("/v1/entities/{entity_id}", tags=["read"], response_model=EntityResponse,
             summary="An entity's golden profile, record ids and provenance. A merged id "
                     "is followed (merged: true); an erased one is 410.")
    async def entity(entity_id: str, key: Reader) -> dict[str, Any]:
        return dict(await service.read("entity", entity_id))

    @app.get("/v1/entities/{entity_id}/timeline", tags=["read"],
             response_model=TimelineResponse,
             summary="The entity's touchpoints in time order, with source and channel.")
    async def timeline(entity_id: str, key: Reader) -> dict[str, Any]:
        return dict(await service.read("timeline", entity_id))

    @app.get("/v1/explain", tags=["read"], response_model=ExplainResponse,
             summary="Why two records are one entity, or why not.")
    async def explain(key: Reader,
                      a: Annotated[str, Query(description="A record id (<source>:<id>).")],
                      b: Annotated[str, Query(description="Another record id.")]
                      ) -> dict[str, Any]:
        return dict(await service.read("explain", a, b))

    @app.post("/v1/sources/{source}/records", tags=["write"],
              response_model=IngestResponse,
              summary="Ingest one record or a batch of a source. Idempotent by record id; "
                      "answered after the commit.")
    async def ingest(source: str, body: IngestRequest, key: WriterKey) -> dict[str, Any]:
        _source_of(service, source)
        rows = ([body.record] if body.record is not None else []) + (body.records or [])
        if not rows:
            raise HTTPException(422, "give 'record' (one object) or 'records' (a list)")
        _batch(service, len(rows), "records")
        config = service.config
        ids = record_ids(config, source, as_table(config, source, rows))
        return dict(await service.write(Ingest(source, rows, record_ids=ids)))

    @app.post("/v1/feeds/segment", tags=["write"], response_model=FeedResponse,
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/"
                                                          "SegmentMessage"}}}}},
              summary="Segment-spec messages (identify, track, page, screen): one, or "
                      "{\"batch\": [...]}. identify -> a record; track -> a touchpoint.")
    async def segment(request: Request, key: WriterKey,
                      source: Annotated[str | None, Query(
                          description="The config source identify calls feed (default: "
                                      "the one with preset 'segment').")] = None
                      ) -> dict[str, Any]:
        payload = await _json(request)
        messages = payload.get("batch") if isinstance(payload, dict) else None
        if messages is None:
            messages = [payload]
        if not isinstance(messages, list):
            raise HTTPException(422, "'batch' must be a list of messages")
        _batch(service, len(messages), "messages")
        config = service.config
        try:
            name = feed_source(config.sources, source)
        except ConfigError as exc:
            raise HTTPException(409, f"{exc} (in the store's config)") from exc
        feed = segment_messages(messages, name)
        ids = record_ids(config, name, as_table(config, name, feed.rows))
        answer = dict(await service.write(Ingest(name, feed.rows, feed.events, ids)))
        return {**answer, "events": len(feed.events), "ignored": feed.ignored}

    @app.post("/v1/erasure", tags=["erase"], response_model=EraseResponse,
              summary="A subject request: erase by match, record ids or entity id "
                      "(dry_run says what would go).")
    async def erasure(body: EraseRequest, key: Eraser) -> dict[str, Any]:
        given = [body.record_ids is not None, body.entity_id is not None,
                 body.match is not None]
        if sum(given) != 1:
            raise HTTPException(422, "give exactly one of record_ids, entity_id, match")
        answer = await service.write(Erase(body.record_ids, body.entity_id, body.match,
                                           body.dry_run, body.compact))
        return dict(answer)

    return app


async def _json(request: Request) -> Any:
    import json

    try:
        return json.loads(await request.body())
    except (ValueError, UnicodeDecodeError) as exc:
        raise HTTPException(422, f"the body is not JSON ({exc})") from exc


async def _library_error(request: Request, exc: Exception) -> Response:
    """A library error is the caller's: 409 for what the store cannot do in its state,
    422 for data it cannot use; the message names what and how to fix it."""
    status = 409 if isinstance(exc, StoreError) and not isinstance(exc, DataError) else 422
    return JSONResponse({"detail": str(exc)}, status_code=status)


async def _refusal(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refusal)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status)


async def _validation_error(request: Request, exc: Exception) -> Response:
    """422 naming each field: ``body.records.0``, with what is wrong -- never the value
    sent (it may be personal)."""
    errors: list[dict[str, Any]] = getattr(exc, "errors", list)()
    detail = [{"field": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg"),
               "type": e.get("type")} for e in errors]
    if any(d["field"] == "body" for d in detail) and "json" not in request.headers.get(
            "content-type", ""):
        detail.append({"field": "body", "problem": "send a JSON body with the header "
                                                   "'Content-Type: application/json'",
                       "type": "content_type"})
    return JSONResponse({"detail": detail}, status_code=422)


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class _TooLarge(Exception):
    pass


class _Guard:
    """ASGI middleware: the body-size limit (413), the metrics and the access log."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]],
                 service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        limit = self.service.limits.max_body
        declared = _header(scope, b"content-length")
        started = False

        async def counted_send(message: MutableMapping[str, Any]) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status = int(message["status"])
                started = True
            await send(message)

        seen = 0

        async def counted_receive() -> MutableMapping[str, Any]:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        try:
            if declared is not None and declared.isdigit() and int(declared) > limit:
                raise _TooLarge
            await self.app(scope, counted_receive, counted_send)
        except _TooLarge:
            if started:  # pragma: no cover - the body is read before answering
                raise
            status = 413
            await JSONResponse({"detail": f"the body is larger than {limit:,} bytes "
                                          "(serve --max-body); split the batch"},
                               status_code=413)(scope, receive, send)
        finally:
            elapsed = time.perf_counter() - start
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope.get("method", "")
            self.service.metrics.request(method, route, status, elapsed)
            state: Mapping[str, Any] = scope.get("state") or {}
            access_log.info("%s %s %d %.1fms key=%s", method, route, status,
                            elapsed * 1000, state.get("key_id", "-"))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None
