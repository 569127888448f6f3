"""Sample ``ClaimForm`` values for the CMS-1500 tests: a one-line primary claim, an eight-line
claim (a continuation form), a secondary claim, a child patient insured through a parent, a
replacement (frequency 7) and a claim with a referring provider and a prior authorization.

NPIs pass the Luhn rule on the 80840 prefix (1234567893 is CMS's own example).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from billing_desk.claim_form import (
    Address,
    Adjustment,
    ClaimForm,
    OtherPayer,
    PayerInfo,
    Person,
    Provider,
    ServiceLine,
    Subscriber,
)

BILLING_NPI, RENDERING_NPI, REFERRING_NPI = "1234567893", "1987654328", "1555123458"

OFFICE = Provider(npi=BILLING_NPI, organization="Main Street Clinic", taxonomy="207Q00000X",
                  tax_id="123456789", tax_id_kind="EIN",
                  address=Address("12 Main St", "Springfield", "IL", "627011234", "Suite 4"),
                  phone="5550100199")
RENDERING = Provider(npi=RENDERING_NPI, last_name="Okafor", first_name="Grace", taxonomy="207Q00000X")
REFERRING = Provider(npi=REFERRING_NPI, last_name="Lindqvist", first_name="Hans")

BLUE_HARBOR = PayerInfo("Blue Harbor Health", "BHH01",
                        Address("PO Box 4410", "Columbus", "OH", "43216", "Claims Dept."))
PRAIRIE = PayerInfo("Prairie Mutual", "PRM22", Address("88 Grain Ave", "Topeka", "KS", "66603"))

MARIA = Person("Alvarez", "María", dt.date(1980, 3, 7), "F",
               Address("45 Oak Lane", "Springfield", "IL", "62704"), middle_name="Luz",
               phone="5550104242")
DAVID = Person("Alvarez", "David", dt.date(1978, 11, 21), "M",
               Address("45 Oak Lane", "Springfield", "IL", "62704"), phone="5550104243")
SOFIA = Person("Alvarez", "Sofia", dt.date(2015, 6, 2), "F",
               Address("45 Oak Lane", "Springfield", "IL", "62704"))

MARIA_BHH = Subscriber(MARIA, "XBH123456789", group_number="GRP-7788", plan_name="Harbor PPO Gold")
DAVID_PRAIRIE = Subscriber(DAVID, "PM55500012", group_number="G-4040", plan_name="Prairie Choice")
DOS = dt.date(2026, 2, 10)


def line(n: int, code: str, charge: str, pointers=(1,), modifiers=(), day: dt.date = DOS,
         units: int = 1) -> ServiceLine:
    return ServiceLine(n, day, code, Decimal(charge), units, tuple(pointers), tuple(modifiers))


def primary() -> ClaimForm:
    """One office visit, the patient the subscriber, billed to her own plan."""
    return ClaimForm("CLM1001", "primary", "1", BLUE_HARBOR, MARIA_BHH, MARIA, OFFICE,
                     ("J0610", "E119"), (line(1, "99213", "150.00", (1, 2), ("25",)),),
                     rendering=RENDERING, patient_account="A-0042", signed_on=dt.date(2026, 2, 11))


def eight_lines() -> ClaimForm:
    """Eight lines on one claim: six on the first form, lines 7 and 8 on the continuation."""
    codes = ["99214", "36415", "80053", "85025", "81002", "93000", "90471", "90715"]
    lines = tuple(line(i, code, f"{10 * i + 0.25:.2f}", (1 + i % 3,), day=DOS + dt.timedelta(i % 2))
                  for i, code in enumerate(codes, start=1))
    return dataclasses.replace(primary(), control_number="CLM1002", lines=lines,
                               diagnoses=("J0610", "E119", "I10"))


def secondary() -> ClaimForm:
    """The same visit sent on to David's plan after Blue Harbor paid: boxes 9, 9a, 9d, 11d YES."""
    other = OtherPayer(BLUE_HARBOR, MARIA_BHH, "primary", Decimal("96.40"), dt.date(2026, 3, 2),
                       (Adjustment("CO", "45", Decimal("33.60")),))
    spouse = dataclasses.replace(DAVID_PRAIRIE, relationship="spouse")
    return dataclasses.replace(primary(), control_number="CLM1003", rank="secondary", payer=PRAIRIE,
                               subscriber=spouse, other_payer=other)


def child() -> ClaimForm:
    """Sofia, insured as her father's child: box 2 is Sofia, box 4 David, box 6 Child."""
    sub = dataclasses.replace(DAVID_PRAIRIE, relationship="child")
    return ClaimForm("CLM1004", "primary", "1", PRAIRIE, sub, SOFIA, OFFICE, ("J069",),
                     (line(1, "99392", "180.00"), line(2, "90460", "25.00")), rendering=RENDERING,
                     signed_on=dt.date(2026, 2, 11))


def replacement() -> ClaimForm:
    """A corrected claim: frequency 7 and the payer's original claim number in box 22."""
    return dataclasses.replace(primary(), control_number="CLM1005", frequency="7",
                               original_reference="BH26040011223")


def referred() -> ClaimForm:
    """A referred, pre-authorized MRI: boxes 17/17b (qualifier DN) and 23."""
    return dataclasses.replace(primary(), control_number="CLM1006", referring=REFERRING,
                               prior_authorization="PA77123", diagnoses=("M5416",),
                               lines=(line(1, "72148", "1250.00", modifiers=("26", "RT", "59", "XU")),))


def all_samples() -> list[ClaimForm]:
    return [primary(), eight_lines(), secondary(), child(), replacement(), referred()]
