"""The rules of barback: units, money, recipes, depletion, on-hand, variance.

Pure and typed: the standard library only. No I/O, no clock; callers pass "now" in.
Every other package may import this one; this one imports none of them.
"""
