"""Settings.from_env: defaults, rewriting, and one error naming every bad variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from app.config import MAX_BODY_BYTES, ConfigError, Secret, Settings

FERNET_KEY = Fernet.generate_key().decode()


def problems(env: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(env)
    return raised.value.problems


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite+aiosqlite:///./barback.db"
    assert (settings.host, settings.port) == ("0.0.0.0", 8080)
    assert settings.public_url == "http://localhost:8080"
    assert settings.secret_key is None
    assert settings.data_dir == Path("./data")
    assert not settings.slack.enabled
    assert settings.pos["square"].base_url == "https://connect.squareup.com"
    assert settings.pos["shopify"].base_url is None
    assert (settings.log_level, settings.log_format) == ("INFO", "text")
    assert settings.max_body_bytes == MAX_BODY_BYTES == 1024 * 1024
    assert settings.venue is None


def test_public_url_follows_the_port_and_empty_means_unset() -> None:
    settings = Settings.from_env({"PORT": "9000", "HOST": "", "LOG_LEVEL": "debug"})
    assert settings.public_url == "http://localhost:9000"
    assert settings.host == "0.0.0.0"
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://bar:pw@db:5432/barback", "postgresql+asyncpg://bar:pw@db:5432/barback"),
        ("postgresql://bar@db/barback", "postgresql+asyncpg://bar@db/barback"),
        ("postgresql+asyncpg://bar@db/barback", "postgresql+asyncpg://bar@db/barback"),
        ("sqlite+aiosqlite:////var/lib/barback.db", "sqlite+aiosqlite:////var/lib/barback.db"),
    ],
)
def test_database_url_is_rewritten_to_the_async_driver(given: str, expected: str) -> None:
    assert Settings.from_env({"DATABASE_URL": given}).database_url == expected


def test_secrets_are_wrapped_and_hidden_from_repr() -> None:
    env = {
        "BARBACK_SECRET_KEY": FERNET_KEY,
        "SLACK_BOT_TOKEN": "xoxb-very-secret-token",
        "SLACK_SIGNING_SECRET": "signing-secret-value",
        "SQUARE_WEBHOOK_SIGNATURE_KEY": "square-signature-key",
        "SQUARE_WEBHOOK_URL": "https://bar.example.com/webhooks/square",
        "DATABASE_URL": "postgresql://bar:db-password-1@db/barback",
    }
    settings = Settings.from_env(env)
    assert settings.secret_key == Secret(FERNET_KEY)
    assert settings.slack.bot_token is not None
    assert settings.slack.bot_token.reveal() == "xoxb-very-secret-token"
    assert settings.slack.enabled
    shown = repr(settings)
    hidden = ["xoxb-very-secret-token", "signing-secret-value", "square-signature-key"]
    for value in [FERNET_KEY, *hidden, "db-password-1"]:
        assert value not in shown
    assert settings.database_url_redacted == "postgresql+asyncpg://bar:***@db/barback"
    assert "db-password-1" in set(settings.secret_values())


def test_every_bad_variable_is_named_on_its_own_line() -> None:
    found = problems(
        {
            "DATABASE_URL": "mysql://root:hunter2@db/barback",
            "PORT": "99999",
            "PUBLIC_URL": "ftp://bar.example.com",
            "BARBACK_SECRET_KEY": "not-a-fernet-key",
            "SLACK_BOT_TOKEN": "xoxb-lonely-token",
            "SLACK_CLIENT_SECRET": "lonely-client-secret",
            "SLACK_API_URL": "slack.local",
            "SQUARE_WEBHOOK_SIGNATURE_KEY": "square-signature-key",
            "SQUARE_BASE_URL": "connect.squareup",
            "TOAST_CLIENT_SECRET": "toast-client-secret",
            "CLOVER_APP_ID": "clover-app",
            "SHOPIFY_BASE_URL": "not a url",
            "LOG_LEVEL": "LOUD",
            "LOG_FORMAT": "xml",
        }
    )
    names = sorted(line.split(":", 1)[0] for line in found)
    assert names == sorted(
        [
            "DATABASE_URL",
            "PORT",
            "PUBLIC_URL",
            "BARBACK_SECRET_KEY",
            "SLACK_SIGNING_SECRET",
            "SLACK_CLIENT_ID",
            "SLACK_API_URL",
            "SQUARE_WEBHOOK_URL",
            "SQUARE_BASE_URL",
            "TOAST_CLIENT_ID",
            "CLOVER_APP_SECRET",
            "SHOPIFY_BASE_URL",
            "LOG_LEVEL",
            "LOG_FORMAT",
        ]
    )
    for line in found:
        assert "\n" not in line
        assert "(got " in line


def test_errors_say_what_is_expected_and_show_plain_values() -> None:
    found = problems({"PORT": "eighty", "LOG_FORMAT": "xml"})
    assert "PORT: a port number from 1 to 65535 (got 'eighty')" in found
    assert "LOG_FORMAT: text or json (got 'xml')" in found


def test_errors_never_echo_a_secret() -> None:
    secrets = {
        "DATABASE_URL": "mysql://root:hunter2-password@db/barback",
        "BARBACK_SECRET_KEY": "my-not-so-fernet-key",
        "SLACK_BOT_TOKEN": "xoxb-lonely-token-value",
        "SHOPIFY_CLIENT_SECRET": "shopify-secret-value",
    }
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(secrets)
    message = str(raised.value)
    assert len(raised.value.problems) == 4
    assert "DATABASE_URL" in message and "got scheme 'mysql'" in message
    for value in [*secrets.values(), "hunter2-password"]:
        assert value not in message


def test_slack_oauth_needs_the_signing_secret_too() -> None:
    found = problems({"SLACK_CLIENT_ID": "123.456", "SLACK_CLIENT_SECRET": "client-secret"})
    assert [p.split(":")[0] for p in found] == ["SLACK_SIGNING_SECRET"]


def test_the_shopify_base_url_is_a_template_of_shop_hosts() -> None:
    for given in ("http://127.0.0.1:8765/{shop}/", "https://{shop}", "http://127.0.0.1:8765"):
        settings = Settings.from_env({"SHOPIFY_BASE_URL": given})
        assert settings.pos["shopify"].base_url == given.rstrip("/")
    expected = "an http:// or https:// URL, {shop} standing for the shop's domain"
    for bad in ("{shop}", "https://{shop}/{shop}", "https://{store}", "ftp://{shop}"):
        [line] = problems({"SHOPIFY_BASE_URL": bad})
        assert line.startswith(f"SHOPIFY_BASE_URL: {expected}")


def test_clover_settings_and_the_auth_code_needs_the_app() -> None:
    settings = Settings.from_env(
        {
            "CLOVER_APP_ID": "DRKVJT2ZRRRSC",
            "CLOVER_APP_SECRET": "app-secret",
            "CLOVER_WEBHOOK_AUTH_CODE": "auth-code",
            "CLOVER_BASE_URL": "https://apisandbox.dev.clover.com",
        }
    )
    clover = settings.pos["clover"]
    assert (clover.client_id, clover.base_url) == (
        "DRKVJT2ZRRRSC",
        "https://apisandbox.dev.clover.com",
    )
    assert clover.webhook_secret is not None and clover.webhook_secret.reveal() == "auth-code"
    assert Settings.from_env({}).pos["clover"].base_url == "https://api.clover.com"
    found = problems({"CLOVER_WEBHOOK_AUTH_CODE": "auth-code", "CLOVER_BASE_URL": "ftp://x"})
    assert any(p.startswith("CLOVER_APP_ID: set too when CLOVER_WEBHOOK_AUTH_CODE") for p in found)
    assert any(p.startswith("CLOVER_BASE_URL:") for p in found)
    assert all("auth-code" not in p for p in found)
    assert any(p.startswith("CLOVER_APP_SECRET:") for p in problems({"CLOVER_APP_ID": "A"}))
