"""The choices a field may take (statuses, kinds, roles): one list that the tables, the services
and the screens all read. A base module like money.py: no peewee, no Qt."""

from __future__ import annotations

# billing
INVOICE_STATUSES = ("draft", "posted", "void")
PARTIES = ("patient", "insurance")
PAYMENT_METHODS = ("cash", "check", "card", "eft", "other")
PAYMENT_SOURCES = ("patient", "insurance", "agency")
ADJUSTMENT_KINDS = ("contractual", "discount", "credit_memo", "write_off", "late_fee",
    "transfer", "refund", "collections")
LEDGER_KINDS = ("charge", "void", "payment", "payment_void", "adjustment", "transfer",
    "credit_applied", "refund")

INSURANCE_MONEY_KINDS = ("held", "applied", "refunded", "provider")
REMIT_CODE_KINDS = ("CARC", "RARC")
ADJUSTMENT_GROUPS = ("CO", "PR", "OA", "PI", "CR")

# catalogue
ITEM_KINDS = ("procedure", "service", "product", "fee")
REASON_KINDS = ("contractual", "discount", "credit_memo", "write_off", "refund", "denial",
    "void", "late_fee", "transfer", "collections")

# coverage
COVERAGE_RANKS = ("primary", "secondary")
COVERAGE_RULES = ("covered", "not_covered", "prior_auth")
RELATIONSHIPS = ("self", "spouse", "child", "other")
CLAIM_MODES = ("electronic", "paper")  # how a payer takes claims

# claims
CLAIM_STATUSES = ("ready", "held", "submitted", "accepted", "paid", "partly_paid", "denied",
    "resubmitted", "voided", "closed")
CLAIM_CLOSED_STATUSES = ("resubmitted", "voided", "closed")  # the others are open
CLAIM_FREQUENCIES = ("1", "7", "8")  # original, replacement, void (CLM05-3, CMS-1500 box 22)
PROVIDER_ROLES = ("rendering", "referring")
CALL_DIRECTIONS = ("outgoing", "incoming")  # the office called the payer, or the payer called
CALL_TOPICS = ("claim_status", "coverage", "prior_auth", "verification", "other")
SEXES = ("M", "F", "U")
TAX_ID_KINDS = ("EIN", "SSN")

# orders
ORDER_STATUSES = ("received", "approved", "in_progress", "partly_filled", "filled", "invoiced",
    "cancelled")

# people
ROLES = ("clerk", "supervisor", "administrator")
ACCOUNT_STATUSES = ("pending", "active", "inactive", "closed")
ACCOUNT_KINDS = ("patient", "customer")
DELIVERY = ("print", "email")
CONTACT_PREFS = ("phone", "email", "mail", "text")

# work
CONTACT_KINDS = ("call", "letter", "email", "visit", "note")
CASE_KINDS = ("query", "issue")
CASE_STATUSES = ("open", "waiting", "resolved")
