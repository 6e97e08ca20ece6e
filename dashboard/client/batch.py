"""Many invocations at once with bounded concurrency: a cohort larger than one call goes in chunks.

Workers only talk to the agent; progress is reported from the calling thread (Streamlit elements may only
be updated from the script's own thread).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any, Protocol, TypeVar

from dashboard.client.base import AgentError

T = TypeVar("T")
Progress = Callable[[int, int], None]  # (done, total)


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items.

    Examples:
        >>> [list(c) for c in chunks([1, 2, 3, 4, 5], 2)]
        [[1, 2], [3, 4], [5]]
    """
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, got {size}")
    for start in range(0, len(items), size):
        yield items[start:start + size]


def worker_session_id(session_id: str, worker: int) -> str:
    """The session id worker `worker` uses: the user's session id with the worker's number.

    On AgentCore each session id gets its own microVM, so concurrent chunks spread over `max_workers`
    sessions, all traceable to the dashboard session that sent them.
    """
    return f"{session_id}-w{worker}"


class Invoker(Protocol):
    """What `invoke_all` needs of a client: `AgentClient.invoke`."""

    def invoke(self, payload: Mapping[str, Any], *, session_id: str) -> dict[str, Any]:
        """Send one payload; see `dashboard.client.base.AgentClient.invoke`."""


def invoke_all(
    client: Invoker,
    payloads: Sequence[Mapping[str, Any]],
    *,
    session_id: str,
    max_workers: int,
    on_progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Invoke the agent once per payload, at most `max_workers` at a time; answers in payload order.

    Raises:
        AgentError: the first invocation that failed (its `payload_index` says which); the ones not yet
            started are cancelled.
    """
    total = len(payloads)
    if on_progress is not None:
        on_progress(0, total)
    if total == 0:
        return []
    workers = max(1, min(max_workers, total))
    answers: list[dict[str, Any] | None] = [None] * total
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="agent-call") as pool:
        pending: dict[Future[dict[str, Any]], int] = {
            pool.submit(client.invoke, payload, session_id=worker_session_id(session_id, index % workers)): index
            for index, payload in enumerate(payloads)
        }
        done_count = 0
        while pending:
            done, _ = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                index = pending.pop(future)
                error = future.exception()
                if error is not None:
                    for other in pending:
                        other.cancel()
                    if isinstance(error, AgentError):
                        error.payload_index = index
                    raise error
                answers[index] = future.result()
                done_count += 1
            if on_progress is not None:
                on_progress(done_count, total)
    return [answer for answer in answers if answer is not None]
