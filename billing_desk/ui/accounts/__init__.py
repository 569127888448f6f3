"""Screens of accounts: the Accounts tab, the account form and page, approval, cases, import."""
