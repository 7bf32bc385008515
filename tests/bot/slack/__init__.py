"""Tests of the Slack front-end, against a fake Slack Web API on 127.0.0.1."""
