"""The office's letterhead: who the printouts come from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class OfficeInfo:
    """Name, address, phone, tax id and an optional logo, printed at the top of reports.

    ``address_lines`` are printed as given, one a line (street, suite, city/state/ZIP).
    ``logo_path`` is an image file (PNG or JPEG); a missing file is silently left out so a
    moved logo never stops a report from printing.
    """

    name: str
    address_lines: tuple[str, ...] = field(default_factory=tuple)
    phone: str = ""
    tax_id: str = ""
    logo_path: str | Path | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "address_lines", tuple(self.address_lines))

    @property
    def logo(self) -> Path | None:
        """The logo file if one is set and exists, else None."""
        if not self.logo_path:
            return None
        path = Path(self.logo_path)
        return path if path.is_file() else None

    def contact_line(self) -> str:
        """'Phone (555) 010-0199 · Tax ID 12-3456789', leaving out what is not set."""
        parts = []
        if self.phone:
            parts.append(f"Phone {self.phone}")
        if self.tax_id:
            parts.append(f"Tax ID {self.tax_id}")
        return " \u00b7 ".join(parts)

    def lines(self) -> list[str]:
        """Every letterhead line below the name."""
        contact = self.contact_line()
        return [*self.address_lines, *([contact] if contact else [])]


#: Used when the office has not filled in its settings yet.
UNNAMED_OFFICE = OfficeInfo(name="Billing Desk")

__all__ = ["OfficeInfo", "UNNAMED_OFFICE"]


def office_from(data: "dict | OfficeInfo") -> OfficeInfo:
    """An OfficeInfo from what the services hand over (services.settings.office_details())."""
    if isinstance(data, OfficeInfo):
        return data
    logo = data.get("logo") or ""
    return OfficeInfo(name=data.get("name") or "Billing Desk",
                      address_lines=tuple(data.get("address_lines") or ()),
                      phone=data.get("phone") or "", tax_id=data.get("tax_id") or "",
                      logo_path=Path(logo) if logo else None)
