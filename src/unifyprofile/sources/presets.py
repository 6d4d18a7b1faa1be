"""Column mappings for common export shapes.

A preset maps canonical fields to the column names a product writes in its standard
export, and names the id and timestamp columns.  A source's own ``columns`` entries
override the preset's, so a preset is a starting point for an export that was edited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["PRESETS", "Preset"]


@dataclass(frozen=True)
class Preset:
    """Column names of one product's export."""

    name: str
    kind: str
    id_column: str
    columns: Mapping[str, str]
    updated_at: str | None = None
    description: str = ""
    #: Extra columns this export has that are worth keeping as attributes.
    notes: tuple[str, ...] = field(default=())


def _preset(name: str, kind: str, id_column: str, updated_at: str | None, description: str,
            **columns: str) -> Preset:
    return Preset(name, kind, id_column, MappingProxyType(dict(columns)), updated_at, description)


PRESETS: Mapping[str, Preset] = MappingProxyType({
    p.name: p
    for p in (
        _preset(
            "salesforce_contacts", "crm", "Id", "LastModifiedDate",
            "Salesforce Contact export (Data Export / Data Loader).",
            first_name="FirstName", last_name="LastName", email="Email", phone="Phone",
            dob="Birthdate", address="MailingStreet", city="MailingCity",
            state="MailingState", postcode="MailingPostalCode", country="MailingCountry",
            company="AccountName", marketing_opt_out="HasOptedOutOfEmail",
        ),
        _preset(
            "hubspot_contacts", "crm", "Record ID", "Last Modified Date",
            "HubSpot contacts export.",
            first_name="First Name", last_name="Last Name", email="Email",
            phone="Phone Number", address="Street Address", city="City",
            state="State/Region", postcode="Postal Code", country="Country/Region",
            company="Company Name", marketing_opt_out="Unsubscribed from all email",
        ),
        _preset(
            "zendesk_users", "csm", "id", "updated_at",
            "Zendesk Support users export (end users of tickets).",
            full_name="name", email="email", phone="phone", company="organization",
        ),
        _preset(
            "shopify_customers", "ecommerce", "Customer ID", None,
            "Shopify customers export (2023+ column names).",
            first_name="First Name", last_name="Last Name", email="Email", phone="Phone",
            company="Default Address Company", address="Default Address Address1",
            city="Default Address City", state="Default Address Province Code",
            postcode="Default Address Zip", country="Default Address Country Code",
            marketing_opt_in="Accepts Email Marketing",
        ),
        _preset(
            "intercom_conversations", "support", "conversation_id", "updated_at",
            "Intercom-style conversations export, one JSON object per line with a nested "
            "`contact` object.",
            full_name="contact.name", email="contact.email", phone="contact.phone",
            city="contact.location.city", country="contact.location.country",
        ),
        _preset(
            "segment", "other", "userId", "timestamp",
            "Segment-spec `identify` calls (Segment, RudderStack webhook JSON), one per "
            "user: `userId` is the id, the reserved `traits` are the fields.",
            first_name="traits.firstName", last_name="traits.lastName",
            full_name="traits.name", email="traits.email", phone="traits.phone",
            dob="traits.birthday", address="traits.address.street",
            city="traits.address.city", state="traits.address.state",
            postcode="traits.address.postalCode", country="traits.address.country",
            company="traits.company.name",
        ),
    )
})
