"""Accounts: registration, approval and changes, the account page, cases, imports and lists."""
