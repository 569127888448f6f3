"""Which of our payers a remittance is from.

By its electronic payer id (REF*2U, else N104, else TRN03), else by its name. Two payers may share
an electronic payer id (one clearinghouse id for several plans); a remittance whose id names
several is from the payer of the claims it pays (the claims its CLPs name); when that does not
settle it, the clerk chooses (``chosen``: the window's 835 import, ``--payer NAME`` on the
command line), and without a choice it is refused naming the payers.
"""

from __future__ import annotations

from peewee import fn

from ...errors import RuleError
from ...models import Claim, Payer
from ...remittance import Remittance


def sharing(payer_id: str) -> list[Payer]:
    """Every payer with this electronic payer id, by name."""
    if not payer_id:
        return []
    return list(Payer.select().where(Payer.payer_id == payer_id.strip().upper()).order_by(Payer.name))


def choices(remittance: Remittance) -> list[str]:
    """The payers the clerk must choose between ([] when the file settles it)."""
    candidates = sharing(remittance.payer_id)
    if len(candidates) < 2 or _by_claims(remittance, candidates) is not None:
        return []
    return [p.name for p in candidates]


def payer_of(remittance: Remittance, chosen: str = "") -> Payer | None:
    """The payer of the remittance; None when none of ours is it (the caller says so). RuleError
    when several share its payer id and neither its claims nor ``chosen`` settle it."""
    candidates = sharing(remittance.payer_id)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        return Payer.get_or_none(fn.lower(Payer.name) == (remittance.payer_name or "").strip().lower())
    found = _by_claims(remittance, candidates)
    if found is not None:
        return found
    names = ", ".join(p.name for p in candidates)
    if chosen.strip():
        for payer in candidates:
            if payer.name.lower() == chosen.strip().lower():
                return payer
        raise RuleError(f"{chosen.strip()} is not one of the payers with payer id "
                        f"{remittance.payer_id} ({names})")
    raise RuleError(f"payer id {remittance.payer_id} is shared by {names}, and the claims in the "
                    "file do not tell which paid: choose the payer (in the window's Payer box, or "
                    "--payer NAME on the command line)")


def _by_claims(remittance: Remittance, candidates: list[Payer]) -> Payer | None:
    numbers = [c.claim_number for c in remittance.claims if c.claim_number]
    if not numbers:
        return None
    ids = {c.payer_id for c in Claim.select(Claim.payer).where(Claim.control_number.in_(numbers))}
    fits = [p for p in candidates if p.id in ids]
    return fits[0] if len(fits) == 1 else None


def shared_warning(name: str, payer_id: str, also: list[str] | None = None) -> str:
    """What the clerk is told when a payer's electronic id is also another payer's ('' if not);
    ``also``: more payers with it (an import file's rows)."""
    others = [p.name for p in sharing(payer_id) if p.name.lower() != name.strip().lower()]
    others += [n for n in also or [] if n.lower() not in {o.lower() for o in others}]
    if not payer_id or not others:
        return ""
    return (f"payer id {payer_id.strip().upper()} is also {', '.join(others)}'s. That is right when "
            "one clearinghouse id serves several plans; an 835 with it is posted to the payer of "
            "the claims it pays, or you are asked to choose")
