"""Helpers for the background worker (huey through huey.contrib.djhuey; docs/worker.md).

Tasks are enqueued only once the transaction that made the change has committed, so the
worker never sees a row that was rolled back, nor misses one that is not yet visible.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction


def on_commit(task: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue `task(*args, **kwargs)` after the current transaction commits.

    Outside a transaction (autocommit) it is enqueued at once.
    """
    transaction.on_commit(lambda: task(*args, **kwargs))
