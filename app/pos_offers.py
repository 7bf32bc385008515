"""What `connect` offers (`engine.connections.PosOffer`): each POS this barback can read, whether
its settings are all set, and how an account is bound.

- Square: a consent link (`/connect/square`); needs its application id and secret (OAuth), its
  webhook signature key and notification URL.
- Toast: `connect toast <restaurant guid>`, checked with Toast; needs the machine client's id and
  secret and the webhook secret.
- Shopify: a consent link (`/connect/shopify`, which asks for the shop); needs the app's client
  id and secret (the secret also signs its webhooks).
- Clover: a consent link (`/connect/clover`); needs the app's id and secret (OAuth and
  reconciliation). Its webhook auth code comes later (Clover shows it once the webhook URL is
  verified), so it is not needed to connect.
A POS added to barback adds its line here; one missing from this table is not offered at all.
"""

from __future__ import annotations

from cryptography.fernet import Fernet

from app.config import Secret, Settings
from app.shopify import missing_settings as shopify_missing
from app.toast import REQUIRED as TOAST_REQUIRED
from app.toast import OneShotToastBinder
from engine.connections import PosOffer
from storage.database import Database

CLOVER_REQUIRED = ("CLOVER_APP_ID", "CLOVER_APP_SECRET")
SQUARE_REQUIRED = (
    "SQUARE_APPLICATION_ID",
    "SQUARE_APPLICATION_SECRET",
    "SQUARE_WEBHOOK_SIGNATURE_KEY",
    "SQUARE_WEBHOOK_URL",
)


def pos_offers(
    settings: Settings, database: Database, secret_key: Secret | None
) -> dict[str, PosOffer]:
    square = settings.pos["square"]
    square_values = (
        square.client_id,
        square.client_secret,
        square.webhook_secret,
        square.webhook_url,
    )
    toast = settings.pos["toast"]
    toast_values = (toast.client_id, toast.client_secret, toast.webhook_secret)
    toast_missing = _unset(TOAST_REQUIRED, toast_values)
    if secret_key is None and not toast_missing:
        toast_missing = ("BARBACK_SECRET_KEY",)  # or run `serve` once: it keeps one
    binder = None
    if not toast_missing and secret_key is not None:
        binder = OneShotToastBinder(settings, database, Fernet(secret_key.reveal()))
    clover = settings.pos["clover"]
    clover_missing = _unset(CLOVER_REQUIRED, (clover.client_id, clover.client_secret))
    return {
        "square": PosOffer("square", "Square", _unset(SQUARE_REQUIRED, square_values)),
        "clover": PosOffer("clover", "Clover", clover_missing),
        "toast": PosOffer("toast", "Toast", toast_missing, binder, "restaurant GUID", "restaurant"),
        "shopify": PosOffer("shopify", "Shopify", shopify_missing(settings)),
    }


def _unset(names: tuple[str, ...], values: tuple[object, ...]) -> tuple[str, ...]:
    return tuple(name for name, value in zip(names, values, strict=True) if value is None)
