"""Fake POS APIs for tests: real aiohttp servers on 127.0.0.1 speaking each POS's wire format,
with switches for outages and rate limits, recording every request."""
