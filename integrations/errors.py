"""Errors the integrations raise at the edge, before anything reaches the engine.

`SignatureInvalid` is a refused delivery: a webhook route answers 401 and stores nothing. Its
message names what was wrong (missing header, stale timestamp, no matching signature) and never
the secret or the expected signature. Malformed payloads raise `engine.errors.InvalidInput`
(`BadPayload` is the POS-side kind of it).

Exception
├── SignatureInvalid     refused delivery: 401, nothing stored
├── UpstreamUnavailable  POS API down, 5xx, 429, timeout: retryable (`retry_after` if said)
├── NotConnected         no working token for the account (401/403 from the POS): reconnect
├── UpstreamRejected     any other 4xx from the POS API: not retryable
└── StateInvalid         an OAuth `state` that is forged, expired or reused
engine.errors.InvalidInput
└── BadPayload           a POS payload (webhook or API answer) that is not what the POS documents

Every class has a stable `code`; the ones a worker may meet carry `retryable`.
"""

from __future__ import annotations

from engine.errors import InvalidInput


class SignatureInvalid(Exception):
    """A webhook's signature is missing, malformed, stale or does not match."""

    code = "signature_invalid"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BadPayload(InvalidInput):
    """A verified delivery or an API answer whose JSON is not what the POS documents (a missing
    field, a wrong type). Not retryable: the same bytes fail the same way until a normaliser fix,
    after which `barback events replay` re-runs the stored event."""

    code = "bad_payload"


class UpstreamUnavailable(Exception):
    """The POS API cannot be reached or answered 5xx or 429: try again later.

    `retry_after` is the delay in seconds the POS asked for (a 429's `Retry-After`), when it said.
    The message names the endpoint and status, never a token."""

    code = "upstream_unavailable"
    retryable = True

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class NotConnected(Exception):
    """barback holds no working credentials for this POS account: never connected, the token was
    revoked or expired (401), or lacks a scope (403). Retrying will not help until someone runs
    `connect <provider>` again."""

    code = "not_connected"
    retryable = False

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UpstreamRejected(Exception):
    """The POS API refused a request for a reason retrying will not fix (a 4xx other than 401, 403
    and 429): a bug on our side or an id the POS does not know."""

    code = "upstream_rejected"
    retryable = False

    def __init__(self, reason: str, *, status: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class StateInvalid(Exception):
    """An OAuth `state` that barback did not sign, that has expired, or that was already used."""

    code = "state_invalid"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
