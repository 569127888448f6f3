"""Screens of the office: sign-in and sign-off, users, settings, audit viewer, backups, the lock."""
