"""Provider self-registration: an organisation and its first user account in one step."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from svduty.web.partnership.models import Organisation, Profile, normalise_name

from .forms import GovukMessages
from .options import Role

ORGANISATION_KINDS = [
    ("voluntary", _("Voluntary or community organisation (charity, CIC, social enterprise)")),
    ("provider", _("Other provider (company, public body)")),
    ("education", _("School, college or academy trust")),
]


class ProviderRegistrationForm(GovukMessages, forms.Form):
    organisation_name = forms.CharField(label=_("Organisation name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type of organisation"), choices=ORGANISATION_KINDS, widget=forms.RadioSelect)
    charity_number = forms.CharField(
        label=_("Charity number"),
        max_length=12,
        required=False,
        help_text=_("Charity Commission number, if registered"),
    )
    company_number = forms.CharField(
        label=_("Company number"), max_length=10, required=False, help_text=_("Companies House number, if registered")
    )
    town = forms.CharField(label=_("Town or city"), max_length=100, required=False)
    first_name = forms.CharField(label=_("Your first name"), max_length=150)
    last_name = forms.CharField(label=_("Your last name"), max_length=150)
    email = forms.EmailField(label=_("Your email address"))
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 12 characters; not a common password"),
    )

    def clean_organisation_name(self):
        name = normalise_name(self.cleaned_data["organisation_name"])
        if Organisation.objects.filter(name__iexact=name).exists():
            raise ValidationError(
                gettext(
                    "An organisation with this name is already registered: ask its existing user or the "
                    "partnership's administrator to add you"
                )
            )
        return name

    def clean(self):
        data = super().clean()
        organisation = Organisation(
            name=data.get("organisation_name", ""),
            kind=data.get("kind", "provider"),
            charity_number=(data.get("charity_number") or "").strip(),
            company_number=(data.get("company_number") or "").strip().upper(),
        )
        try:
            organisation.clean()
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field, errors)
        # A charity or company number identifies one organisation (it becomes the 360Giving recipient identifier),
        # so a newcomer cannot register under another organisation's number and be taken for it.
        for field, number, scheme in (
            ("charity_number", organisation.charity_number, "GB-CHC"),
            ("company_number", organisation.company_number, "GB-COH"),
        ):
            if number and field not in self.errors:
                taken = Organisation.objects.filter(
                    Q(**{f"{field}__iexact": number}) | Q(org_identifier__iexact=f"{scheme}-{number}")
                ).exists()
                if taken:
                    label = self.fields[field].label.lower()
                    self.add_error(
                        field,
                        gettext(
                            "An organisation with this %(label)s is already registered: ask its existing user or the "
                            "partnership's administrator to add you"
                        )
                        % {"label": label},
                    )
        if data.get("password"):
            user = get_user_model()(
                username=data.get("email", ""),
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(data["password"], user)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data

    def save(self):
        """Create the organisation, the account and its profile in one transaction. Raises IntegrityError when a
        registration running at the same moment took the name or number first (the view re-checks and says so)."""
        data = self.cleaned_data
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=data["organisation_name"],
                kind=data["kind"],
                charity_number=data["charity_number"].strip(),
                company_number=data["company_number"].strip().upper(),
                address_locality=data["town"],
            )
            user = get_user_model().objects.create_user(
                username=new_username(data["first_name"], data["last_name"]),
                email=data["email"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
            Profile.objects.create(user=user, role=Role.PROVIDER, organisation=organisation)
        return user


def new_username(first_name: str, last_name: str) -> str:
    """A username the service chooses: the person's name and a random suffix, e.g. ``riya.shah-k7p2qd``. Letting
    applicants choose one made ``/register/`` answer "this username is taken", which told anyone which accounts
    exist; an assigned one has nothing to reveal. It is shown once registered and used to sign in."""
    base = slugify(f"{first_name}.{last_name}".replace(".", " ")).replace("-", ".")[:40] or "provider"
    User = get_user_model()
    while True:
        candidate = f"{base}-{get_random_string(6, 'abcdefghjkmnpqrstuvwxyz23456789')}"
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
