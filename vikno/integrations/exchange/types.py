"""What a peer answers to one exchange request."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PeerAnswer:
    status: int
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def replayed(self) -> bool:
        """409 replay: the peer had already accepted this Idempotency-Key (delivered)."""
        return self.status == 409 and self.body.get("code") == "replay"
