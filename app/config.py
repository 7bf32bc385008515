"""Settings: the environment read once, checked all at once, then passed around as a value.

`Settings.from_env(mapping)` is pure: the caller passes `os.environ` (only `app/cli.py` does).
Every bad variable is collected and reported together in one `ConfigError`, one line each,
"NAME: what is expected (got ...)". Secret values are never echoed, not even in errors.
An empty variable counts as unset (`FOO=` in a compose file means "no value").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from app.variables import (
    ConfigError,
    Invalid,
    LogFormat,
    Reader,
    Secret,
    both_or_neither,
    parse_age,
    parse_database_url,
    parse_fernet_key,
    parse_http_url,
    parse_log_format,
    parse_log_level,
    parse_port,
    parse_text,
    redact_url,
)

__all__ = ["MAX_BODY_BYTES", "ConfigError", "PosSettings", "Secret", "Settings", "SlackSettings"]

# Bodies over 1 MiB are refused: Toast orders reach about 600 KB (spec/webhooks.md, promise 5).
MAX_BODY_BYTES = 1024 * 1024

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./barback.db"
# Raw webhook bodies may hold customer data (names, emails on a POS order): once an event is
# booked, its figures live in the ledger and the body is kept only this long, for replays and
# audits (`barback events prune`).
DEFAULT_EVENT_RETENTION = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class SlackSettings:
    """Slack credentials. A bot token and signing secret mean one workspace; a client id and
    secret mean multi-workspace OAuth (slack-platform.md §1.1: both at once is a trap)."""

    bot_token: Secret | None
    signing_secret: Secret | None
    client_id: str | None
    client_secret: Secret | None
    api_url: str | None

    @property
    def enabled(self) -> bool:
        return self.bot_token is not None or self.client_id is not None


@dataclass(frozen=True, slots=True)
class PosSettings:
    """One POS provider's credentials and base URL; `None` where the variable is unset."""

    provider: str
    client_id: str | None
    client_secret: Secret | None
    webhook_secret: Secret | None
    webhook_url: str | None
    base_url: str | None

    @property
    def configured(self) -> bool:
        return self.client_id is not None or self.webhook_secret is not None


def parse_shop_url(value: str) -> str:
    """A shop's Admin API base URL, `{shop}` standing for its myshopify.com domain
    (`http://127.0.0.1:8765/{shop}` for a local fake); without `{shop}` every shop shares it."""
    expected = "an http:// or https:// URL, {shop} standing for the shop's domain"
    rest = value.replace("{shop}", "", 1)
    if "{" in rest or "}" in rest:
        raise Invalid(expected, "other braces")
    try:
        parse_http_url(value.replace("{shop}", "example.myshopify.com"))
    except Invalid:
        raise Invalid(expected) from None
    return value.rstrip("/")


@dataclass(frozen=True, slots=True)
class PosVariables:
    """The environment names of one provider (each POS calls its credentials differently)."""

    provider: str
    client_id: str
    client_secret: str
    webhook_secret: str
    base_url: str
    default_base_url: str | None
    webhook_url: str | None = None
    parse_base_url: Callable[[str], str] = parse_http_url
    webhook_needs_client: bool = False
    """The webhooks carry ids only: without the OAuth app nothing they name can be read."""


# Base URLs default to production (pos-formats.md §1.7, §2.7, §3.4). Shopify has no fixed host:
# each shop is https://{shop}.myshopify.com, so its variable only overrides it (a fake in tests).
POS_VARIABLES = (
    PosVariables(
        "square",
        "SQUARE_APPLICATION_ID",
        "SQUARE_APPLICATION_SECRET",
        "SQUARE_WEBHOOK_SIGNATURE_KEY",
        "SQUARE_BASE_URL",
        "https://connect.squareup.com",
        webhook_url="SQUARE_WEBHOOK_URL",
    ),
    PosVariables(
        "toast",
        "TOAST_CLIENT_ID",
        "TOAST_CLIENT_SECRET",
        "TOAST_WEBHOOK_SECRET",
        "TOAST_BASE_URL",
        "https://ws-api.toasttab.com",
    ),
    PosVariables(
        "clover",
        "CLOVER_APP_ID",
        "CLOVER_APP_SECRET",
        "CLOVER_WEBHOOK_AUTH_CODE",
        "CLOVER_BASE_URL",
        "https://api.clover.com",
        webhook_needs_client=True,
    ),
    PosVariables(
        "shopify",
        "SHOPIFY_CLIENT_ID",
        "SHOPIFY_CLIENT_SECRET",
        # Shopify signs webhooks with the app's client secret (pos-formats.md §4.3).
        "SHOPIFY_CLIENT_SECRET",
        "SHOPIFY_BASE_URL",
        None,
        parse_base_url=parse_shop_url,
    ),
)


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = field(repr=False)  # may hold a password: see `database_url_redacted`
    host: str
    port: int
    public_url: str
    secret_key: Secret | None  # None: generated into data_dir on first run (app/keyfile.py)
    data_dir: Path
    slack: SlackSettings
    pos: Mapping[str, PosSettings]
    log_level: str
    log_format: LogFormat
    venue: str | None = None  # BARBACK_VENUE: the CLI's default --venue
    metrics_port: int | None = None  # METRICS_PORT: /metrics there instead of on PORT
    max_body_bytes: int = MAX_BODY_BYTES
    event_retention: timedelta = DEFAULT_EVENT_RETENTION  # BARBACK_EVENT_RETENTION

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        reader = Reader(env)
        database_url = reader.get("DATABASE_URL", DEFAULT_DATABASE_URL, parse_database_url)
        port = reader.get("PORT", 8080, parse_port)
        host = reader.get("HOST", "0.0.0.0", parse_text)
        public_url = reader.get("PUBLIC_URL", f"http://localhost:{port}", parse_http_url)
        secret_key = reader.secret("BARBACK_SECRET_KEY", parse_fernet_key)
        data_dir = Path(reader.get("BARBACK_DATA_DIR", "./data", parse_text))
        slack = _slack(reader)
        pos = {names.provider: _pos(reader, names) for names in POS_VARIABLES}
        log_level = reader.get("LOG_LEVEL", "INFO", parse_log_level)
        log_format: LogFormat = reader.get("LOG_FORMAT", "text", parse_log_format)
        venue = reader.optional("BARBACK_VENUE", parse_text)
        metrics_port = reader.optional("METRICS_PORT", parse_port)
        if metrics_port is not None and metrics_port == port:
            reader.fail("METRICS_PORT", "a port other than PORT's", str(metrics_port))
        retention = reader.get("BARBACK_EVENT_RETENTION", DEFAULT_EVENT_RETENTION, parse_age)
        if reader.problems:
            raise ConfigError(reader.problems)
        return cls(
            database_url=database_url,
            host=host,
            port=port,
            public_url=public_url,
            secret_key=secret_key,
            data_dir=data_dir,
            slack=slack,
            pos=pos,
            log_level=log_level,
            log_format=log_format,
            venue=venue,
            metrics_port=metrics_port,
            event_retention=retention,
        )

    @property
    def database_url_redacted(self) -> str:
        return redact_url(self.database_url)

    def secret_values(self) -> Iterator[str]:
        """Every secret's plain value, so the log filter can scrub them from any message."""
        candidates = [
            self.secret_key,
            self.slack.bot_token,
            self.slack.signing_secret,
            self.slack.client_secret,
        ]
        for pos in self.pos.values():
            candidates += [pos.client_secret, pos.webhook_secret]
        password = urlsplit(self.database_url).password
        if password:
            yield password
        for secret in candidates:
            if secret is not None:
                yield secret.reveal()


def _slack(reader: Reader) -> SlackSettings:
    bot_token = reader.secret("SLACK_BOT_TOKEN")
    signing_secret = reader.secret("SLACK_SIGNING_SECRET")
    client_id = reader.optional("SLACK_CLIENT_ID", parse_text)
    client_secret = reader.secret("SLACK_CLIENT_SECRET")
    both_or_neither(reader, "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")
    # The signing secret goes with either mode: a bot token (one workspace) or a client id (OAuth).
    if client_id is None:
        both_or_neither(reader, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    elif signing_secret is None:
        reader.fail("SLACK_SIGNING_SECRET", "set too when SLACK_CLIENT_ID is set", "unset")
    return SlackSettings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        client_id=client_id,
        client_secret=client_secret,
        api_url=reader.optional("SLACK_API_URL", parse_http_url),
    )


def _pos(reader: Reader, names: PosVariables) -> PosSettings:
    client_id = reader.optional(names.client_id, parse_text)
    client_secret = reader.secret(names.client_secret)
    both_or_neither(reader, names.client_id, names.client_secret)
    webhook_secret = reader.secret(names.webhook_secret)
    if names.webhook_needs_client and webhook_secret is not None and client_id is None:
        reader.fail(names.client_id, f"set too when {names.webhook_secret} is set", "unset")
    webhook_url = None
    if names.webhook_url is not None:
        webhook_url = reader.optional(names.webhook_url, parse_http_url)
        # Square signs the notification URL with the body, so the key alone cannot verify.
        if webhook_secret is not None and webhook_url is None:
            reader.fail(names.webhook_url, f"set too when {names.webhook_secret} is set", "unset")
    return PosSettings(
        provider=names.provider,
        client_id=client_id,
        client_secret=client_secret,
        webhook_secret=webhook_secret,
        webhook_url=webhook_url,
        base_url=reader.get(names.base_url, names.default_base_url, names.parse_base_url),
    )
