"""Billing Desk: the billing coordinator's desktop program for a small office."""

__version__ = "0.1.0"
APP_NAME = "Billing Desk"
