"""The office as its claims name it (the billing identity, one setting) and its rendering and
referring providers; every check a claim's numbers must pass, each named by its field."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields

from peewee import fn

from ...choices import PROVIDER_ROLES, TAX_ID_KINDS
from ...errors import Problem, RuleError, ValidationError
from ...models import Invoice, Provider, Setting, User
from ..office import audit, stale, steady
from ..office.permissions import require
from ..office.settings import get_setting
from ..office.transactions import in_transaction
from ..office.validation import check_state, check_texts, check_zip, normalize_phone

_TAXONOMY = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")
_ZIP9 = re.compile(r"^[0-9]{5}-?[0-9]{4}$")


def npi_is_valid(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit of the other nine behind the 80840 prefix."""
    npi = (npi or "").strip()
    if not re.fullmatch(r"[0-9]{10}", npi):
        return False
    digits = [int(c) for c in "80840" + npi[:9]]
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2 == 0:  # every second digit from the right, starting with the rightmost
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


def digits_of(text: str) -> str:
    return "".join(c for c in (text or "") if c.isdigit())


def check_npi(value: str, field: str = "npi", *, required: bool = True) -> Problem | None:
    raw = (value or "").strip()
    if not raw:
        return Problem(field, "the NPI is required (10 digits)") if required else None
    if not re.fullmatch(r"[0-9]{10}", raw):
        return Problem(field, f"'{raw}' is not an NPI: an NPI has 10 digits")
    if not npi_is_valid(raw):
        return Problem(field, f"{raw} is not a valid NPI (its check digit is wrong): retype it "
                              "from the NPI letter")
    return None


def check_tax_id(value: str, kind: str, field: str = "tax_id") -> Problem | None:
    raw = (value or "").strip()
    if kind not in TAX_ID_KINDS:
        return Problem(f"{field}_kind", "the tax id is an EIN or an SSN")
    if not raw:
        return Problem(field, "the tax id is required (EIN NN-NNNNNNN or SSN NNN-NN-NNNN)")
    pattern = r"[0-9]{2}-?[0-9]{7}" if kind == "EIN" else r"[0-9]{3}-?[0-9]{2}-?[0-9]{4}"
    if not re.fullmatch(pattern, raw):
        shape = "NN-NNNNNNN (9 digits)" if kind == "EIN" else "NNN-NN-NNNN (9 digits)"
        return Problem(field, f"'{raw}' is not an {kind}: type {shape}")
    return None


def check_taxonomy(value: str, field: str = "taxonomy", *, required: bool = False) -> Problem | None:
    raw = (value or "").strip().upper()
    if not raw:
        return Problem(field, "the taxonomy code is required (10 characters, like 207Q00000X)") \
            if required else None
    if not _TAXONOMY.match(raw):
        return Problem(field, f"'{raw}' is not a taxonomy code (10 characters ending in X, "
                              "like 207Q00000X)")
    return None


def check_claim_zip(value: str, field: str = "zip_code", *, nine: bool = False) -> Problem | None:
    raw = (value or "").strip()
    if not raw:
        return Problem(field, "the ZIP code is required")
    if nine and not _ZIP9.match(raw):
        return Problem(field, "the billing provider's ZIP code needs all 9 digits (12345-6789) "
                              "for electronic claims")
    return check_zip(raw, field)  # the one ZIP rule (services/office/validation.py)


@dataclass
class BillingIdentity:
    """The billing provider (CMS-1500 boxes 25 and 33, 837P loop 2010AA) and the 837P's sender."""

    name: str = ""
    npi: str = ""
    tax_id: str = ""
    tax_id_kind: str = "EIN"
    taxonomy: str = ""
    street: str = ""
    street2: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    phone: str = ""
    submitter_name: str = ""
    submitter_id: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    receiver_name: str = ""
    receiver_id: str = ""
    production: bool = False


TEXT_FIELDS = tuple(f.name for f in fields(BillingIdentity) if f.name != "production")


def billing_identity() -> BillingIdentity:
    stored = get_setting("billing_identity") or {}
    known = {f.name for f in fields(BillingIdentity)}
    return BillingIdentity(**{k: v for k, v in dict(stored).items() if k in known})


def identity_problems(identity: BillingIdentity, *, nine_digit_zip: bool = True) -> list[Problem]:
    """Everything wrong with the identity as a claim needs it (empty fields included); a paper
    claim may do with a 5-digit ZIP (``nine_digit_zip=False``)."""
    problems = check_texts(asdict(identity), TEXT_FIELDS)
    if not identity.name.strip():
        problems.append(Problem("name", "the billing provider's name is required"))
    problems += [p for p in (
        check_npi(identity.npi), check_tax_id(identity.tax_id, identity.tax_id_kind),
        check_taxonomy(identity.taxonomy),
        None if identity.street.strip() else Problem("street", "the billing address is required"),
        None if identity.city.strip() else Problem("city", "the city is required"),
        check_state(identity.state) if identity.state.strip() else Problem("state", "the state is required"),
        check_claim_zip(identity.zip_code, nine=nine_digit_zip)) if p]
    for name in ("phone", "contact_phone"):
        if getattr(identity, name).strip():
            _phone, problem = normalize_phone(getattr(identity, name), name)
            problems += [problem] if problem else []
    return problems


def identity_version() -> str:
    """What the billing identity screen hands back when it saves (services.office.stale)."""
    return stale.fingerprint(get_setting("billing_identity"))


def save_billing_identity(identity: BillingIdentity, by: User, *, loaded_as: str = "") -> BillingIdentity:
    """Check and keep the identity (the submitter may wait until the first 837P file).
    ``loaded_as`` (``identity_version``): a save over a change made since is refused."""
    require(by, "change_settings")
    clean: dict = {k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(identity).items()}
    identity = BillingIdentity(**clean)
    identity.state, identity.taxonomy = identity.state.upper(), identity.taxonomy.upper()
    identity.tax_id = digits_of(identity.tax_id) if len(digits_of(identity.tax_id)) == 9 else identity.tax_id
    problems = identity_problems(identity)
    if problems:
        raise ValidationError(problems)
    with in_transaction():
        if loaded_as:
            stale.refuse_if_changed(loaded_as, identity_version(), "The office's billing identity",
                                    table="setting", summaries=["billing identity changed"])
        before = get_setting("billing_identity")
        Setting.insert(key="billing_identity", value=asdict(identity)).on_conflict_replace().execute()
        steady.forget()  # a kept setting is read afresh
        audit.record(by, "setting", table="setting", summary="billing identity changed",
                     before={"billing_identity": before}, after={"billing_identity": asdict(identity)})
    return identity


@dataclass
class ProviderInput:
    last_name: str = ""
    first_name: str = ""
    organization: str = ""
    npi: str = ""
    taxonomy: str = ""
    role: str = "rendering"


def validate_provider(values: ProviderInput) -> list[Problem]:
    problems = check_texts(asdict(values), ("last_name", "first_name", "organization", "npi", "taxonomy"))
    if not values.organization.strip() and not values.last_name.strip():
        problems.append(Problem("last_name", "a provider needs a last name (or an organization's name)"))
    if values.last_name.strip() and not values.organization.strip() and not values.first_name.strip():
        problems.append(Problem("first_name", "the provider's first name is required"))
    if values.role not in PROVIDER_ROLES:
        problems.append(Problem("role", "a provider is rendering or referring"))
    problems += [p for p in (check_npi(values.npi), check_taxonomy(
        values.taxonomy, required=values.role == "rendering")) if p]
    return problems


def _provider_values(values: ProviderInput) -> dict:
    return {"last_name": values.last_name.strip(), "first_name": values.first_name.strip(),
            "organization": values.organization.strip(), "npi": values.npi.strip(),
            "taxonomy": values.taxonomy.strip().upper(), "role": values.role}


SNAPSHOT = ("last_name", "first_name", "organization", "npi", "taxonomy", "role", "active")


def add_provider(values: ProviderInput, by: User) -> Provider:
    problems = validate_provider(values)
    if problems:
        raise ValidationError(problems)
    clean = _provider_values(values)
    with in_transaction():
        if Provider.get_or_none(Provider.npi == clean["npi"], Provider.role == clean["role"],
                                Provider.active == True):  # noqa: E712
            raise ValidationError(f"a {clean['role']} provider with NPI {clean['npi']} is on file", "npi")
        provider = Provider.create(**clean)
        steady.forget()  # a provider kept by its id is read afresh
        audit.record(by, "create", provider, summary=f"added {provider.role} provider {provider}",
                     after=audit.snapshot(provider, *SNAPSHOT))
    return provider


def provider_version(provider_id: int | None) -> str:
    """What a screen showing the provider hands back when it saves (services.office.stale)."""
    return stale.version(Provider, provider_id)


def update_provider(provider_id: int, values: ProviderInput, by: User, *, loaded_as: str = "") -> Provider:
    """Change a provider; ``loaded_as`` (``provider_version``): a save over a change made since
    is refused (StaleRecordError), nothing saved."""
    problems = validate_provider(values)
    if problems:
        raise ValidationError(problems)
    with in_transaction():
        provider = stale.check_current(Provider, provider_id, loaded_as,
                                       lambda p: f"Provider {p.display_name}")
        before = audit.snapshot(provider, *SNAPSHOT)
        for key, value in _provider_values(values).items():
            setattr(provider, key, value)
        provider.save()
        steady.forget()
        audit.record(by, "update", provider, summary=f"changed provider {provider}", before=before,
                     after=audit.snapshot(provider, *SNAPSHOT))
    return provider


def deactivate_provider(provider_id: int, reason: str, by: User) -> Provider:
    """Stop offering a provider on new invoices; it stays on the claims it is on (never deleted)."""
    if not (reason or "").strip():
        raise ValidationError("a reason is required", "reason")
    with in_transaction():
        provider = Provider.get_by_id(provider_id)
        if not provider.active:
            raise RuleError(f"{provider.display_name} is already inactive.")
        provider.active = False
        provider.save()
        steady.forget()
        audit.record(by, "deactivate", provider, summary=f"deactivated provider {provider}: {reason}")
    return provider


def search_providers(text: str = "", role: str | None = None, *, active_only: bool = True,
                     limit: int = 50) -> list[Provider]:
    """Providers by name or NPI (the invoice's completer)."""
    query = Provider.select()
    if active_only:
        query = query.where(Provider.active == True)  # noqa: E712
    if role:
        query = query.where(Provider.role == role)
    text = (text or "").strip().lower()
    if text:
        like = f"{text}%"
        query = query.where((fn.LOWER(Provider.last_name) ** like) | (fn.LOWER(Provider.organization) ** like)
                            | (Provider.npi == text))
    return list(query.order_by(Provider.organization, Provider.last_name, Provider.first_name).limit(limit))


def reactivate_provider(provider_id: int, by: User) -> Provider:
    """Offer a deactivated provider on new invoices again (one active provider per NPI and role)."""
    with in_transaction():
        provider = Provider.get_by_id(provider_id)
        if provider.active:
            raise RuleError(f"{provider.display_name} is already active.")
        if Provider.get_or_none(Provider.npi == provider.npi, Provider.role == provider.role,
                                Provider.active == True):  # noqa: E712
            raise ValidationError(f"another active {provider.role} provider has NPI {provider.npi}", "npi")
        provider.active = True
        provider.save()
        steady.forget()
        audit.record(by, "reactivate", provider, summary=f"reactivated provider {provider}")
    return provider


def get_provider(provider_id: int) -> Provider:
    return Provider.get_by_id(provider_id)


def provider_form(provider_id: int) -> ProviderInput:
    """What the Providers screen shows of one provider, to edit."""
    provider = Provider.get_by_id(provider_id)
    return ProviderInput(provider.last_name, provider.first_name, provider.organization, provider.npi,
                         provider.taxonomy, provider.role)


def providers_query(text: str = "", status: str | None = None):
    """The Providers screen's list (searched in SQL, paged by the list): name, organization or NPI."""
    query = Provider.select()
    words = (text or "").strip().lower()
    if words:
        query = query.where(fn.LOWER(Provider.last_name).contains(words)
                            | fn.LOWER(Provider.first_name).contains(words)
                            | fn.LOWER(Provider.organization).contains(words)
                            | Provider.npi.startswith(words))
    if status in ("active", "inactive"):
        query = query.where(Provider.active == (status == "active"))
    if status in PROVIDER_ROLES:
        query = query.where(Provider.role == status)
    return query.order_by(Provider.active.desc(), Provider.organization, Provider.last_name,
                          Provider.first_name)


def usual_rendering_provider() -> Provider | None:
    """Who a new invoice names as rendering provider: the office's usual one (setting), else its
    only active rendering provider, else the one on the newest invoice that names one."""
    chosen = get_setting("usual_rendering_provider")
    if chosen:
        provider = Provider.get_or_none(Provider.id == chosen, Provider.active == True)  # noqa: E712
        if provider is not None:
            return provider
    active = list(Provider.select().where(Provider.active == True,  # noqa: E712
                                          Provider.role == "rendering").limit(2))
    if len(active) == 1:
        return active[0]
    last = (Invoice.select(Invoice.rendering_provider)
            .join(Provider, on=(Invoice.rendering_provider == Provider.id))
            .where(Provider.active == True).order_by(Invoice.id.desc()).first())  # noqa: E712
    return Provider.get_by_id(last.rendering_provider_id) if last is not None else None


def usual_provider_version() -> str:
    """What the providers screen hands back when it makes a provider the usual one."""
    from ..office.settings import settings_version

    return settings_version(["usual_rendering_provider"])


def set_usual_rendering_provider(provider_id: int | None, by: User, *, loaded_as: str = "") -> None:
    """The rendering provider a new invoice starts with (a supervisor's choice, audited).
    ``loaded_as`` (``usual_provider_version``): a choice over one made since is refused."""
    from ..office.settings import set_setting

    if provider_id is not None:
        provider = Provider.get_by_id(provider_id)
        if provider.role != "rendering" or not provider.active:
            raise RuleError(f"{provider.display_name} is not an active rendering provider.")
    set_setting("usual_rendering_provider", provider_id or 0, by, loaded_as=loaded_as,
                what="The usual rendering provider")
