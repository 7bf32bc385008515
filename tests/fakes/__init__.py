"""Test doubles: fakes of our own ports, and local servers speaking a vendor's wire format."""
