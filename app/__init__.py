"""The composition root: configuration, wiring, the aiohttp app factory, the worker, the CLI.

The only package that imports every other one. Nothing happens at import time.
"""
