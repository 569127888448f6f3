"""The office itself: settings, users and sign-in, permissions, the audit trail, backups and
maintenance, numbering, field validation, and the one way to open a transaction."""
