"""The NUCC 1500 claim form (02/12) as data: where each box's data goes, and the boxes themselves.

The form is laid out on a typewriter grid, 10 characters per inch and 6 lines per inch, on a
letter page (8.5 x 11 in). Lines and columns are counted from 1 at the top left; the positions
(box 1a at line 8 column 50, the diagnoses at line 38 columns 3/16/29/42, the six service lines
on lines 44-54, boxes 25-28 on line 56, 33a at line 61, the carrier block at lines 2-5 column
41, ...) are the ones billing systems print pre-printed red forms with (OpenEMR's Hcfa1500 and
the NUCC reference instruction manual were the sources of the facts; no code was taken).

``FIELDS`` is the one table of (box, name, line, column, width) that both the data-only print and
the drawn copy place text by; ``BOXES`` are the outlines and titles the drawn copy adds.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import inch

PAGE_WIDTH, PAGE_HEIGHT = 8.5 * inch, 11 * inch
CHAR = inch / 10  # one column: Courier at 12 points is exactly 10 characters per inch
LINE = inch / 6  # one line
LEFT = 0.3 * inch  # the left edge of column 1
TOP = 0.25 * inch  # the top of line 1
BASELINE_RISE = 3.0  # a line's text sits this far above the bottom of its line
SERVICE_LINES = 6  # service lines a form holds


def col_x(col: float) -> float:
    """The left edge of column ``col``, in points from the page's left edge."""
    return LEFT + (col - 1) * CHAR


def line_bottom(line: float) -> float:
    """The bottom of line ``line``, in points from the page's bottom edge (PDF coordinates)."""
    return PAGE_HEIGHT - TOP - line * LINE


def baseline(line: float) -> float:
    return line_bottom(line) + BASELINE_RISE


@dataclass(frozen=True)
class Field:
    """A place on the form where data is printed: ``width`` characters from ``col`` on ``line``;
    ``right`` fields (the amounts) are right-aligned in their width."""

    box: str
    name: str
    line: int
    col: int
    width: int
    right: bool = False
    check: str = ""  # a check box: its caption on the drawn copy
    caption_right: bool = False  # the caption after the box (before it otherwise)

    @property
    def x(self) -> float:
        return col_x(self.col)

    @property
    def y(self) -> float:
        return baseline(self.line)


def _checks(box: str, line: int, cols: dict[str, tuple[int, str]], right: bool = False) -> list[Field]:
    return [Field(box, name, line, col, 1, check=caption, caption_right=right)
            for name, (col, caption) in cols.items()]


BOX1 = {"type_medicare": (1, "MEDICARE"), "type_medicaid": (8, "MEDICAID"),
        "type_tricare": (15, "TRICARE"), "type_champva": (24, "CHAMPVA"),
        "type_group": (31, "GROUP PLAN"), "type_feca": (39, "FECA"),
        "type_other": (45, "OTHER")}
RELATIONSHIP_CHECKS = {"rel_self": (33, "Self"), "rel_spouse": (38, "Spouse"),
                       "rel_child": (42, "Child"), "rel_other": (47, "Other")}


def _service_line(i: int) -> list[Field]:
    """Line ``i`` (1-6) of box 24: data on the white line, the shaded line above it unused."""
    line = 44 + 2 * (i - 1)
    p = f"line{i}_"
    return [Field("24A", p + "from", line, 1, 8), Field("24A", p + "to", line, 10, 8),
            Field("24B", p + "pos", line, 19, 2), Field("24D", p + "code", line, 25, 6),
            *[Field("24D", f"{p}mod{m}", line, 33 + 3 * (m - 1), 2) for m in range(1, 5)],
            Field("24E", p + "pointer", line, 45, 4),
            Field("24F", p + "charge", line, 50, 8, right=True),
            Field("24G", p + "units", line, 59, 3, right=True),
            Field("24J", p + "npi", line, 68, 10)]


def _diagnoses() -> list[Field]:
    """Box 21 A-L: three rows of four, 13 columns apart."""
    return [Field("21", f"dx_{letter}", 38 + n // 4, 3 + 13 * (n % 4), 8)
            for n, letter in enumerate("ABCDEFGHIJKL")]


FIELDS: tuple[Field, ...] = (
    Field("carrier", "payer_name", 2, 41, 38), Field("carrier", "payer_street", 3, 41, 38),
    Field("carrier", "payer_street2", 4, 41, 38), Field("carrier", "payer_city", 5, 41, 38),
    *_checks("1", 8, BOX1, right=True),
    Field("1a", "insured_id", 8, 50, 29),
    Field("2", "patient_name", 10, 1, 28),
    Field("3", "patient_dob", 10, 31, 10),
    *_checks("3", 10, {"patient_sex_m": (42, "M"), "patient_sex_f": (47, "F")}),
    Field("4", "insured_name", 10, 50, 29),
    Field("5", "patient_street", 12, 1, 28),
    *_checks("6", 12, RELATIONSHIP_CHECKS),
    Field("7", "insured_street", 12, 50, 29),
    Field("5", "patient_city", 14, 1, 23), Field("5", "patient_state", 14, 26, 2),
    Field("7", "insured_city", 14, 50, 22), Field("7", "insured_state", 14, 74, 2),
    Field("5", "patient_zip", 16, 1, 12), Field("5", "patient_area", 16, 15, 3),
    Field("5", "patient_phone", 16, 19, 7),
    Field("7", "insured_zip", 16, 50, 13), Field("7", "insured_area", 16, 65, 3),
    Field("7", "insured_phone", 16, 69, 7),
    Field("9", "other_name", 18, 1, 28), Field("11", "group_number", 18, 50, 29),
    Field("9a", "other_policy", 20, 1, 28),
    *_checks("10a", 20, {"employment_yes": (35, "YES"), "employment_no": (41, "NO")}),
    Field("11a", "insured_dob", 20, 53, 10),
    *_checks("11a", 20, {"insured_sex_m": (68, "M"), "insured_sex_f": (75, "F")}),
    *_checks("10b", 22, {"auto_yes": (35, "YES"), "auto_no": (41, "NO")}),
    *_checks("10c", 24, {"other_accident_yes": (35, "YES"), "other_accident_no": (41, "NO")}),
    Field("11c", "plan_name", 24, 50, 29),
    Field("9d", "other_plan", 26, 1, 28),
    *_checks("11d", 26, {"another_plan_yes": (52, "YES"), "another_plan_no": (57, "NO")}),
    Field("12", "patient_signature", 29, 7, 17), Field("13", "insured_signature", 29, 55, 17),
    Field("17", "referring_qualifier", 34, 1, 2), Field("17", "referring_name", 34, 4, 25),
    Field("17b", "referring_npi", 34, 33, 10),
    Field("19", "additional_info", 36, 1, 48),
    Field("21", "icd_indicator", 37, 42, 1),
    *_diagnoses(),
    Field("22", "resubmission_code", 38, 50, 11), Field("22", "original_ref", 38, 62, 18),
    Field("23", "prior_auth", 40, 50, 29),
    *[f for i in range(1, SERVICE_LINES + 1) for f in _service_line(i)],
    Field("25", "tax_id", 56, 1, 15),
    *_checks("25", 56, {"tax_ssn": (17, ""), "tax_ein": (19, "")}),
    Field("26", "account", 56, 23, 14),
    *_checks("27", 56, {"assignment_yes": (38, "YES"), "assignment_no": (43, "NO")}, right=True),
    Field("28", "total", 56, 51, 9, right=True),
    Field("29", "paid", 56, 61, 9, right=True),
    Field("33", "billing_area", 57, 66, 3), Field("33", "billing_phone", 57, 70, 7),
    Field("32", "facility_name", 58, 23, 26), Field("33", "billing_name", 58, 50, 29),
    Field("32", "facility_street", 59, 23, 26), Field("33", "billing_street", 59, 50, 29),
    Field("31", "signer", 60, 1, 21),
    Field("32", "facility_city", 60, 23, 26), Field("33", "billing_city", 60, 50, 29),
    Field("31", "signed_date", 61, 12, 10),
    Field("32a", "facility_npi", 61, 24, 10), Field("33a", "billing_npi", 61, 51, 10),
)
FIELD = {f.name: f for f in FIELDS}


@dataclass(frozen=True)
class Box:
    """An outlined box of the drawn copy: lines ``top``-``bottom``, columns ``left``-``right``
    (inclusive), its title in the top corner (``\\n`` breaks it)."""

    title: str
    top: int
    bottom: int
    left: int
    right: int
    shaded: bool = False


_LEFT_BOXES = [  # the patient's half, columns 1-29
    ("2. PATIENT'S NAME (Last Name, First Name, Middle Initial)", 9, 10),
    ("5. PATIENT'S ADDRESS (No., Street)", 11, 12),
    ("9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)", 17, 18),
    ("a. OTHER INSURED'S POLICY OR GROUP NUMBER", 19, 20),
    ("b. RESERVED FOR NUCC USE", 21, 22), ("c. RESERVED FOR NUCC USE", 23, 24),
    ("d. INSURANCE PLAN NAME OR PROGRAM NAME", 25, 26),
    ("14. DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)", 31, 32),
    ("17. NAME OF REFERRING PROVIDER OR OTHER SOURCE", 33, 34),
]
_MIDDLE_BOXES = [  # columns 30-49
    ("3. PATIENT'S BIRTH DATE   SEX\n    MM  DD  YYYY", 9, 10),
    ("6. PATIENT RELATIONSHIP TO INSURED", 11, 12), ("8. RESERVED FOR NUCC USE", 13, 16),
    ("10. IS PATIENT'S CONDITION\nRELATED TO:", 17, 18),
    ("a. EMPLOYMENT? (Current or Previous)", 19, 20), ("b. AUTO ACCIDENT?   PLACE (State)", 21, 22),
    ("c. OTHER ACCIDENT?", 23, 24), ("10d. CLAIM CODES (Designated by NUCC)", 25, 26),
    ("15. OTHER DATE  QUAL.", 31, 32), ("17a.\n17b. NPI", 33, 34),
]
_RIGHT_BOXES = [  # the insured's half, columns 50-79
    ("1a. INSURED'S I.D. NUMBER  (For Program in Item 1)", 7, 8),
    ("4. INSURED'S NAME (Last Name, First Name, Middle Initial)", 9, 10),
    ("7. INSURED'S ADDRESS (No., Street)", 11, 12),
    ("11. INSURED'S POLICY GROUP OR FECA NUMBER", 17, 18),
    ("a. INSURED'S DATE OF BIRTH   SEX\n    MM  DD  YYYY", 19, 20),
    ("b. OTHER CLAIM ID (Designated by NUCC)", 21, 22),
    ("c. INSURANCE PLAN NAME OR PROGRAM NAME", 23, 24),
    ("d. IS THERE ANOTHER HEALTH BENEFIT PLAN?", 25, 26),
    ("13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE I authorize\npayment of medical benefits "
     "to the undersigned physician or supplier.", 27, 30),
    ("16. DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION", 31, 32),
    ("18. HOSPITALIZATION DATES RELATED TO CURRENT SERVICES", 33, 34),
    ("20. OUTSIDE LAB?          $ CHARGES", 35, 36),
    ("22. RESUBMISSION CODE      ORIGINAL REF. NO.", 37, 38),
    ("23. PRIOR AUTHORIZATION NUMBER", 39, 40),
]
_SERVICE_COLUMNS = [  # box 24's columns: title, first and last column
    ("24. A.  DATE(S) OF SERVICE\n  From          To\nMM DD YY   MM DD YY", 1, 18),
    ("B.\nPLACE OF\nSERVICE", 19, 21), ("C.\n\nEMG", 22, 24),
    ("D. PROCEDURES, SERVICES, OR SUPPLIES\n(Explain Unusual Circumstances)\nCPT/HCPCS      MODIFIER",
     25, 44),
    ("E.\nDIAGNOSIS\nPOINTER", 45, 49), ("F.\n\n$ CHARGES", 50, 58),
    ("G.\nDAYS OR\nUNITS", 59, 62), ("H.\nEPSDT\nFamily Plan", 63, 64),
    ("I.\nID.\nQUAL.", 65, 67), ("J.\nRENDERING\nPROVIDER ID. #", 68, 79),
]


def _boxes() -> tuple[Box, ...]:
    boxes = [Box("1.", 7, 8, 1, 49)]
    boxes += [Box(t, top, bottom, 1, 29) for t, top, bottom in _LEFT_BOXES]
    boxes += [Box(t, top, bottom, 30, 49) for t, top, bottom in _MIDDLE_BOXES]
    boxes += [Box(t, top, bottom, 50, 79) for t, top, bottom in _RIGHT_BOXES]
    boxes += [Box("CITY", 13, 14, 1, 24), Box("STATE", 13, 14, 25, 29),
              Box("ZIP CODE", 15, 16, 1, 13), Box("TELEPHONE (Include Area Code)\n (     )", 15, 16, 14, 29),
              Box("CITY", 13, 14, 50, 72), Box("STATE", 13, 14, 73, 79),
              Box("ZIP CODE", 15, 16, 50, 63), Box("TELEPHONE (Include Area Code)\n (     )", 15, 16, 64, 79)]
    boxes.append(Box("12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE I authorize the release of any "
                     "medical or other information\nnecessary to process this claim. I also request "
                     "payment of government benefits either to myself or to the party\nwho accepts "
                     "assignment below.",
                     27, 30, 1, 49))
    boxes += [Box("19. ADDITIONAL CLAIM INFORMATION (Designated by NUCC)", 35, 36, 1, 49),
              Box("21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY  Relate A-L to service line below (24E)"
                  "   ICD Ind.", 37, 40, 1, 49)]
    boxes += [Box(t, 41, 42, left, right) for t, left, right in _SERVICE_COLUMNS]
    for i in range(SERVICE_LINES):
        shaded, white = 43 + 2 * i, 44 + 2 * i
        boxes.append(Box("", shaded, shaded, 1, 79, shaded=True))
        boxes += [Box("", white, white, left, right) for _t, left, right in _SERVICE_COLUMNS]
    boxes += [Box("25. FEDERAL TAX I.D. NUMBER", 55, 56, 1, 22),
              Box("26. PATIENT'S ACCOUNT NO.", 55, 56, 23, 37),
              Box("27. ACCEPT ASSIGNMENT?\n(For govt. claims, see back)", 55, 56, 38, 49),
              Box("28. TOTAL CHARGE", 55, 56, 50, 60), Box("29. AMOUNT PAID", 55, 56, 61, 70),
              Box("30. Rsvd for NUCC Use", 55, 56, 71, 79),
              Box("31. SIGNATURE OF PHYSICIAN OR SUPPLIER\nINCLUDING DEGREES OR CREDENTIALS",
                  57, 61, 1, 22),
              Box("32. SERVICE FACILITY LOCATION INFORMATION", 57, 61, 23, 49),
              Box("33. BILLING PROVIDER INFO & PH #", 57, 61, 50, 79)]
    return tuple(boxes)


BOXES = _boxes()

# Small words printed on the form away from any box title: (text, line, column).
CAPTIONS: tuple[tuple[str, float, float], ...] = (
    ("SIGNED", 29, 1), ("DATE", 29, 33), ("SIGNED", 29, 50), ("SSN", 55.3, 16.6), ("EIN", 55.3, 18.6),
    ("SIGNED", 61, 1), ("DATE", 61, 8.5), ("a.", 61, 23), ("b.", 61, 36), ("a.", 61, 50),
    ("b.", 61, 63), *[("NPI", 44 + 2 * i, 65) for i in range(SERVICE_LINES)],
    *[(f"{letter}.", 38 + n // 4, 1.6 + 13 * (n % 4)) for n, letter in enumerate("ABCDEFGHIJKL")],
)

__all__ = ["BOXES", "CAPTIONS", "FIELD", "FIELDS", "SERVICE_LINES", "Box", "Field", "baseline",
           "col_x", "line_bottom"]
