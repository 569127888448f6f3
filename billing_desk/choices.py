"""The choices a field may take (statuses, kinds, roles): one list that the tables, the services
and the screens all read. A base module like money.py: no peewee, no Qt."""

from __future__ import annotations

from typing import NamedTuple

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
# The source of a check record made later for an insurer's payment recorded without one (a plain
# insurance payment, as the EOB screen recorded them before schema 5), to hold its money owed
# back (services/books/owed_back.py). It is no deposit: its payment was deposited when keyed.
CHECK_MADE_FOR_A_PAYMENT = "payment"
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


class PayerProgram(NamedTuple):
    """What kind of insurance a payer is, as its claims must say it."""

    label: str  # as the clerk reads it on the Payers screen
    short: str  # in lists
    filing_code: str  # 837P SBR09 claim filing indicator code (005010X222A1)
    box_1: str  # the CMS-1500 box 1 checkbox (claim_form.INSURANCE_TYPES)
    # When this program pays before Medicare, why (837P SBR05 on a claim to Medicare as the
    # second payer): a code, "group" (12 working aged from 65, else 43 disabled), "" never.
    before_medicare: str = ""


#: The payer programs, keyed by the word kept on the payer; "commercial" unless set.
PAYER_PROGRAMS: dict[str, PayerProgram] = {
    "commercial": PayerProgram("Commercial insurance / group health (CI)", "Commercial", "CI", "group",
                               "group"),
    "medicare": PayerProgram("Medicare Part B (MB)", "Medicare B", "MB", "medicare"),
    "medicaid": PayerProgram("Medicaid (MC)", "Medicaid", "MC", "medicaid"),
    "tricare": PayerProgram("TRICARE / CHAMPUS (CH)", "TRICARE", "CH", "tricare"),
    "champva": PayerProgram("CHAMPVA (VA)", "CHAMPVA", "VA", "champva"),
    "bcbs": PayerProgram("Blue Cross Blue Shield (BL)", "BCBS", "BL", "group", "group"),
    "hmo": PayerProgram("HMO (HM)", "HMO", "HM", "group", "group"),
    "ppo": PayerProgram("PPO (12)", "PPO", "12", "group", "group"),
    "pos": PayerProgram("Point of service, POS (13)", "POS", "13", "group", "group"),
    "epo": PayerProgram("Exclusive provider organization, EPO (14)", "EPO", "14", "group", "group"),
    "indemnity": PayerProgram("Indemnity insurance (15)", "Indemnity", "15", "group", "group"),
    "fep": PayerProgram("Federal Employees Program, FEP (FI)", "FEP", "FI", "group", "group"),
    "dental_hmo": PayerProgram("Dental maintenance organization (17)", "Dental HMO", "17", "group", "group"),
    "medicare_a": PayerProgram("Medicare Part A (MA)", "Medicare A", "MA", "medicare"),
    "medicare_advantage": PayerProgram("Medicare Advantage, HMO Medicare risk (16)", "Medicare Advantage",
                                       "16", "other"),
    "va": PayerProgram("Veterans Affairs plan (VA)", "VA", "VA", "other", "42"),
    "feca": PayerProgram("FECA, federal employees' compensation (OF)", "FECA", "OF", "feca", "15"),
    "black_lung": PayerProgram("Black Lung (OF)", "Black Lung", "OF", "feca", "41"),
    "workers_comp": PayerProgram("Workers' compensation (WC)", "Workers' comp", "WC", "other", "15"),
    "auto": PayerProgram("Automobile medical, no-fault (AM)", "Auto no-fault", "AM", "other", "14"),
    "liability": PayerProgram("Liability medical (LM)", "Liability", "LM", "other", "47"),
    "disability": PayerProgram("Disability (DS)", "Disability", "DS", "other"),
    "title_v": PayerProgram("Title V (TV)", "Title V", "TV", "other"),
    "other_federal": PayerProgram("Other federal program (OF)", "Other federal", "OF", "other", "16"),
    "other_non_federal": PayerProgram("Other non-federal program (11)", "Other non-federal", "11", "other"),
    "other": PayerProgram("Other, mutually defined (ZZ)", "Other", "ZZ", "other"),
}
DEFAULT_PAYER_PROGRAM = "commercial"
MEDICARE_FILING_CODES = ("MA", "MB")  # a claim to Medicare itself (SBR05, CMS-1500 box 11)

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
