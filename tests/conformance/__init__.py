"""The POS conformance kit: one night of sales and its cases, run for every adapter."""
