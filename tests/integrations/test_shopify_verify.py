"""Shopify's signatures: webhook bodies (base64) and redirect queries (hex, sorted, escaped), and
the shop domains barback will talk to."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from integrations.errors import SignatureInvalid
from integrations.shopify.shops import ShopInvalid, admin_base, shop_domain, typed_shop
from integrations.shopify.verify import query_message, sign, sign_query, verify, verify_query

SECRET = "hush"
BODY = b'{"id":820982911946154508,"financial_status":"paid"}'


def test_a_body_signed_with_the_secret_verifies() -> None:
    expected = base64.b64encode(hmac.new(b"hush", BODY, hashlib.sha256).digest()).decode()
    assert sign(SECRET, BODY) == expected
    verify(SECRET, BODY, expected)
    verify(SECRET, BODY, f"  {expected}\n")


@pytest.mark.parametrize(
    ("body", "header", "reason"),
    [
        (BODY + b" ", sign(SECRET, BODY), "does not match"),
        (BODY, sign("another-secret", BODY), "does not match"),
        (BODY, None, "missing"),
        (BODY, "  ", "missing"),
        (BODY, "é" + sign(SECRET, BODY)[1:], "does not match"),
        (BODY, sign(SECRET, BODY).encode().hex(), "does not match"),
    ],
)
def test_anything_else_is_refused(body: bytes, header: str | None, reason: str) -> None:
    with pytest.raises(SignatureInvalid, match=reason) as refused:
        verify(SECRET, body, header)
    assert SECRET not in str(refused.value)
    assert sign(SECRET, BODY) not in str(refused.value)


def test_an_unset_secret_verifies_nothing() -> None:
    with pytest.raises(SignatureInvalid, match="no Shopify client secret"):
        verify("", BODY, sign("", BODY))


def test_shopifys_documented_redirect_example() -> None:
    # Shopify's OAuth documentation example: secret "hush" signs this query.
    params = [
        ("code", "0907a61c0c8d55e99db179b68161bc00"),
        ("hmac", "4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20"),
        ("shop", "some-shop.myshopify.com"),
        ("timestamp", "1337178173"),
    ]
    assert query_message(params) == (
        "code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com&timestamp=1337178173"
    )
    verify_query(SECRET, params)
    verify_query(SECRET, [(k, v.upper() if k == "hmac" else v) for k, v in params])


def test_the_query_message_escapes_what_would_be_ambiguous() -> None:
    params = [("z", "a&b=c"), ("a%b", "100%"), ("k=v", "x"), ("signature", "old"), ("hmac", "h")]
    assert query_message(params) == "a%25b=100%25&k%3Dv=x&z=a%26b=c"


def test_a_redirect_is_refused_unless_every_parameter_is_signed() -> None:
    params = [("shop", "bar.myshopify.com"), ("state", "s"), ("timestamp", "1")]
    signed = [*params, ("hmac", sign_query(SECRET, params))]
    verify_query(SECRET, signed)
    cases = {
        "no hmac": params,
        "another shop": [("shop", "evil.myshopify.com"), *signed[1:]],
        "an added parameter": [*signed, ("code", "x")],
        "a key twice": [*signed, ("state", "s")],
        "another secret": [*params, ("hmac", sign_query("other", params))],
    }
    for case, query in cases.items():
        with pytest.raises(SignatureInvalid):
            verify_query(SECRET, query)
            pytest.fail(case)


@pytest.mark.parametrize(
    ("typed", "domain"),
    [
        ("example-bar", "example-bar.myshopify.com"),
        ("Example-Bar.myshopify.com", "example-bar.myshopify.com"),
        ("https://example-bar.myshopify.com/admin/orders", "example-bar.myshopify.com"),
        ("  bar2  ", "bar2.myshopify.com"),
    ],
)
def test_a_typed_shop_names_its_domain(typed: str, domain: str) -> None:
    assert typed_shop(typed) == domain


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "example-bar.com",
        "evil.com/x.myshopify.com",
        "example-bar.myshopify.com.evil.com",
        "example_bar.myshopify.com",
        "-bar.myshopify.com",
        "bar.myshopify.com:8080",
        "a." + "b" * 70 + ".myshopify.com",
        "127.0.0.1",
    ],
)
def test_anything_but_a_shop_domain_is_refused(value: str | None) -> None:
    with pytest.raises(ShopInvalid):
        shop_domain(value)
    if value and "." in value:
        with pytest.raises(ShopInvalid):
            typed_shop(value)


def test_the_admin_base_follows_the_template() -> None:
    assert admin_base("https://{shop}", "bar.myshopify.com") == "https://bar.myshopify.com"
    local = "http://127.0.0.1:8765/{shop}/"
    assert admin_base(local, "bar.myshopify.com") == "http://127.0.0.1:8765/bar.myshopify.com"
    assert admin_base("http://127.0.0.1:8765", "bar.myshopify.com") == "http://127.0.0.1:8765"
