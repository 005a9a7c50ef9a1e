"""Platform requests in Redis: one JSON string per request plus user, pending and team+platform indexes.

Writes are optimistic transactions (WATCH/MULTI): a create claims the team+platform pair only if nobody holds
it, and a replace lands only if the stored version is the one the caller read, so two decisions never both win.
"""

from __future__ import annotations

from collections.abc import Iterator

import redis

from bot.adapters.store import PENDING_REQUESTS, Keys
from bot.core.platform_requests import BLOCKING, OPEN, PlatformRequest, RequestState

RELEASES_PAIR = frozenset({RequestState.DECLINED, RequestState.WITHDRAWN})


class RedisRequestRepository:
    """RequestRepository over Redis; see bot.core.request_flow for the contract."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client

    def create(self, request: PlatformRequest) -> str | None:
        """Store `request` and claim its team+platform pair; return the holder's id if the pair is taken."""
        active = Keys.active_request(request.answers.team, request.answers.platform_name)
        while True:
            with self._client.pipeline() as pipe:
                try:
                    pipe.watch(active)  # type: ignore[no-untyped-call]
                    holder = pipe.get(active)
                    if holder and self._blocks(pipe, str(holder)):
                        return str(holder)
                    pipe.multi()
                    pipe.set(active, request.id)
                    pipe.set(Keys.request(request.id), request.model_dump_json())
                    pipe.sadd(Keys.user_requests(request.requester), request.id)
                    pipe.zadd(PENDING_REQUESTS, {request.id: request.created_at.timestamp()})
                    pipe.execute()
                    return None
                except redis.WatchError:
                    continue

    def replace(self, request: PlatformRequest, expected_version: int) -> bool:
        """Store `request` if the stored one is still at `expected_version`; keep the indexes in step."""
        key = Keys.request(request.id)
        active = Keys.active_request(request.answers.team, request.answers.platform_name)
        with self._client.pipeline() as pipe:
            try:
                pipe.watch(key, active)  # type: ignore[no-untyped-call]
                stored = pipe.get(key)
                if stored is None or PlatformRequest.model_validate_json(stored).version != expected_version:
                    return False
                holder = pipe.get(active)
                pipe.multi()
                pipe.set(key, request.model_dump_json())
                if request.state in OPEN:
                    pipe.zadd(PENDING_REQUESTS, {request.id: request.created_at.timestamp()})
                else:
                    pipe.zrem(PENDING_REQUESTS, request.id)
                if request.state in RELEASES_PAIR and holder == request.id:
                    pipe.delete(active)
                pipe.execute()
                return True
            except redis.WatchError:
                return False

    def get(self, request_id: str) -> PlatformRequest | None:
        raw = self._client.get(Keys.request(request_id))
        return PlatformRequest.model_validate_json(raw) if raw else None

    def active_id(self, team: str, platform: str) -> str | None:
        holder = self._client.get(Keys.active_request(team, platform))
        return str(holder) if holder else None

    def by_user(self, user_id: str) -> list[PlatformRequest]:
        ids: set[str] = self._client.smembers(Keys.user_requests(user_id))  # type: ignore[assignment]
        return self._many(sorted(ids))

    def pending(self) -> list[PlatformRequest]:
        ids: list[str] = self._client.zrange(PENDING_REQUESTS, 0, -1)  # type: ignore[assignment]
        return self._many(ids)

    def every(self) -> Iterator[PlatformRequest]:
        """Yield every stored request (for the CSV export), in no particular order."""
        for key in self._client.scan_iter(match=Keys.request("*"), count=500):
            raw = self._client.get(key)
            if raw:
                yield PlatformRequest.model_validate_json(raw)

    def _many(self, ids: list[str]) -> list[PlatformRequest]:
        if not ids:
            return []
        raws: list[str | None] = self._client.mget([Keys.request(i) for i in ids])  # type: ignore[assignment]
        return [PlatformRequest.model_validate_json(raw) for raw in raws if raw]

    @staticmethod
    def _blocks(pipe: redis.client.Pipeline, holder_id: str) -> bool:
        raw = pipe.get(Keys.request(holder_id))
        return bool(raw) and PlatformRequest.model_validate_json(raw).state in BLOCKING  # type: ignore[arg-type]
