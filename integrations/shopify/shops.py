"""Shop domains: the only hosts barback ever sends a shop's code or token to.

A shop is named by its permanent `<store>.myshopify.com` domain (the `X-Shopify-Shop-Domain`
header, the OAuth `shop` parameter). Anything else (a custom domain, a path, a port, another host)
is refused: the OAuth callback's `shop` decides where the authorization code goes, so an
unchecked value would send our client secret to whoever wrote it.

The Admin API of a shop is `https://<shop>`. `SHOPIFY_BASE_URL` overrides that with a template in
which `{shop}` stands for the domain (`http://127.0.0.1:8765/{shop}` for a local fake); without
`{shop}` every shop is reached at the one URL.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SUFFIX = ".myshopify.com"
DEFAULT_BASE_URL = "https://{shop}"
PLACEHOLDER = "{shop}"

_SHOP = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}\.myshopify\.com$")


class ShopInvalid(ValueError):
    """Not a `*.myshopify.com` shop domain; the message is fit to show."""


def shop_domain(value: str | None) -> str:
    """The shop domain `value` names exactly (case aside); raises `ShopInvalid`."""
    if value is None or not value.strip():
        raise ShopInvalid("no shop was named")
    domain = value.strip().lower()
    if not _SHOP.match(domain):
        raise ShopInvalid(f"{_shown(value)} is not a shop's myshopify.com domain")
    return domain


def typed_shop(value: str | None) -> str:
    """The shop a manager typed: `example-bar`, `example-bar.myshopify.com`, or the admin's URL
    (`https://example-bar.myshopify.com/admin`); raises `ShopInvalid`."""
    text = (value or "").strip().lower()
    if "://" in text:
        text = urlsplit(text).hostname or ""
    text = text.split("/", 1)[0]
    if text and "." not in text:
        text += SUFFIX
    return shop_domain(text)


def admin_base(template: str, shop: str) -> str:
    """Where the Admin API of `shop` (already validated) is reached, without a trailing slash."""
    return template.replace(PLACEHOLDER, shop).rstrip("/")


def _shown(value: str) -> str:
    """A refused value, short and printable, for a message."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in value.strip())
    return repr(cleaned[:80])
