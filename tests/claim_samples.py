"""Claims built by hand as plain ``ClaimForm`` values, for the 837P and CMS-1500 tests alike.

Each sample is a function so a test can change one field with ``dataclasses.replace``. The NPIs
pass the Luhn rule on the 80840 prefix; the secondary claim's lines balance (charge = the
primary's paid amount + its adjustments), as a clearinghouse's front-end edits expect.

    primary_claim()      one line, the subscriber is the patient
    multi_line_claim()   four lines with modifiers, six diagnoses, rendering and referring providers
    secondary_claim()    the primary's paid amounts and CAS adjustments per line (loops 2320-2430)
    child_claim()        a child patient whose subscriber is a parent (loops 2000C/2010CA)
    replacement_claim()  frequency 7, with the payer's original claim number
    void_claim()         frequency 8, with the payer's original claim number
    interchange(...)     an 837P file's envelope around any of them
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from billing_desk.claim_form import (
    Address,
    Adjustment,
    ClaimForm,
    Interchange,
    OtherAdjudication,
    OtherPayer,
    PayerInfo,
    Person,
    Provider,
    ServiceLine,
    Submitter,
    Subscriber,
)

BILLING_NPI = "1234567893"
RENDERING_NPI = "1987654328"
REFERRING_NPI = "1456789019"
SERVICE_DAY = dt.date(2026, 3, 2)
PAID_DAY = dt.date(2026, 3, 20)

OFFICE = Address("100 HARBOR WAY", "PORTLAND", "ME", "041011234", street2="SUITE 2")
HOME = Address("12 Elm Street", "South Portland", "ME", "04106")

BILLING = Provider(npi=BILLING_NPI, organization="Harbor Family Practice", taxonomy="207Q00000X",
                   tax_id="123456789", address=OFFICE, phone="2075550100")
RENDERING = Provider(npi=RENDERING_NPI, last_name="Nguyen", first_name="Linh", taxonomy="207Q00000X")
REFERRING = Provider(npi=REFERRING_NPI, last_name="Okafor", first_name="Chidi")

BLUE_HARBOR = PayerInfo("Blue Harbor Health", "BHH01",
                        Address("PO Box 5000", "Augusta", "ME", "04332"))
PINE_MUTUAL = PayerInfo("Pine Mutual Insurance", "PMI22",
                        Address("PO Box 77", "Bangor", "ME", "04401"))

SUBMITTER = Submitter(name="Harbor Family Practice", sender_id="HFP0001", contact_name="Carla Clerk",
                      contact_phone="2075550100", receiver_name="Clear Claims Exchange",
                      receiver_id="CCX837")


def adult() -> Person:
    return Person("Rivera", "Maria", dt.date(1980, 5, 17), "F", HOME, middle_name="J",
                  phone="2075550123")


def parent() -> Person:
    return Person("Walker", "James", dt.date(1978, 11, 2), "M", HOME, suffix="Jr")


def child() -> Person:
    return Person("Walker", "Emma", dt.date(2018, 6, 9), "F", HOME)


def line(number: int, code: str, charge: str, *pointers: int, units: int = 1,
         modifiers: tuple[str, ...] = (), day: dt.date = SERVICE_DAY, **more) -> ServiceLine:
    return ServiceLine(number=number, service_date=day, code=code, charge=Decimal(charge), units=units,
                       diagnosis_pointers=pointers or (1,), modifiers=modifiers, line_id=1000 + number,
                       **more)


def primary_claim(**changes) -> ClaimForm:
    subscriber = Subscriber(adult(), member_id="BHH123456789", group_number="GRP-4410",
                            plan_name="Harbor Choice PPO")
    claim = ClaimForm(control_number="CLM-1001", rank="primary", frequency="1", payer=BLUE_HARBOR,
                      subscriber=subscriber, patient=subscriber.person, billing=BILLING,
                      diagnoses=("J069",), lines=(line(1, "99213", "125.00"),),
                      patient_account="A-2001", signed_on=SERVICE_DAY)
    return replace(claim, **changes)


def multi_line_claim(**changes) -> ClaimForm:
    lines = (
        line(1, "99214", "185.00", 1, 2, 3, 4, modifiers=("25",)),
        line(2, "93000", "60.50", 3),
        line(3, "20610", "240.00", 5, modifiers=("RT", "59")),
        line(4, "J1030", "18.75", 5, 6, units=2, place_of_service="22"),
    )
    claim = primary_claim(control_number="CLM-1002", lines=lines, rendering=RENDERING,
                          referring=REFERRING, prior_authorization="PA778899",
                          diagnoses=("I10", "E119", "R0789", "R002", "M1711", "Z7984"))
    return replace(claim, **changes)


def secondary_claim(**changes) -> ClaimForm:
    """Pine Mutual is billed second; Blue Harbor paid 80% of what it allowed on each line."""
    first = OtherAdjudication(paid=Decimal("80.00"), paid_on=PAID_DAY, adjustments=(
        Adjustment("CO", "45", Decimal("25.00")), Adjustment("PR", "2", Decimal("20.00"))))
    second = OtherAdjudication(paid=Decimal("32.40"), paid_on=PAID_DAY, adjustments=(
        Adjustment("CO", "45", Decimal("19.40")), Adjustment("PR", "2", Decimal("8.10")),
        Adjustment("PR", "1", Decimal("0.10"))))
    lines = (line(1, "99213", "125.00", 1, other=first),
             line(2, "36415", "60.00", 1, 2, modifiers=("90",), other=second))
    primary = Subscriber(adult(), member_id="BHH123456789", group_number="GRP-4410")
    other = OtherPayer(payer=BLUE_HARBOR, subscriber=primary, rank="primary", paid=Decimal("112.40"),
                       paid_on=PAID_DAY)
    claim = ClaimForm(control_number="CLM-1003", rank="secondary", frequency="1", payer=PINE_MUTUAL,
                      subscriber=Subscriber(adult(), member_id="PM-55012", plan_name="Pine Gap Plan"),
                      patient=adult(), billing=BILLING, diagnoses=("E785", "Z0000"), lines=lines,
                      rendering=RENDERING, other_payer=other, signed_on=PAID_DAY)
    return replace(claim, **changes)


def child_claim(**changes) -> ClaimForm:
    subscriber = Subscriber(parent(), member_id="BHH998877665", group_number="GRP-9001",
                            relationship="child")
    claim = ClaimForm(control_number="CLM-1004", rank="primary", frequency="1", payer=BLUE_HARBOR,
                      subscriber=subscriber, patient=child(), billing=BILLING,
                      diagnoses=("H6691", "R509"), lines=(line(1, "99392", "150.00", 1, 2),
                                                          line(2, "90460", "25.00", 2)),
                      rendering=RENDERING)
    return replace(claim, **changes)


def replacement_claim(**changes) -> ClaimForm:
    claim = primary_claim(control_number="CLM-1001", frequency="7",
                          original_reference="BHH2026030512345",
                          lines=(line(1, "99214", "165.00"),))
    return replace(claim, **changes)


def void_claim(**changes) -> ClaimForm:
    claim = primary_claim(control_number="CLM-1001", frequency="8",
                          original_reference="BHH2026030512345")
    return replace(claim, **changes)


def interchange(*claims: ClaimForm, number: int = 101, group: int = 201, transaction: int = 301,
                created: dt.datetime = dt.datetime(2026, 3, 23, 9, 5),
                submitter: Submitter = SUBMITTER) -> Interchange:
    return Interchange(submitter=submitter, interchange_number=number, group_number=group,
                       transaction_number=transaction, created=created,
                       claims=claims or (primary_claim(),))
