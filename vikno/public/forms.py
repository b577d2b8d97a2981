"""Forms of the public site: filing an appeal and finding it by its tracking code.

The forms check what a person typed so that every mistake is shown next to its field at
once; the rules of registration themselves stay in vikno.appeals.services, whose
refusals are mapped back onto these fields (see AppealForm.add_service_error).
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vikno.appeals.choices import ApplicantKind, Kind, ReplyChannel
from vikno.appeals.services import ApplicantData
from vikno.appeals.uploads import check_uploads
from vikno.core.errors import ServiceError
from vikno.core.text import normalize_phone
from vikno.reference.models import Category
from vikno.reference.selectors import ancestors, leaf_categories

# Only the formats vikno.appeals.uploads accepts; the server checks the content anyway.
ACCEPTED_FILES = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"

# Service field names (see appeal_register) → the form's own field names.
SERVICE_FIELDS = {
    "kind": "kind",
    "category": "category",
    "text": "text",
    "address": "address",
    "files": "files",
    "applicant.kind": "applicant_kind",
    "applicant.name": "name",
    "applicant.address": "residence",
    "applicant.phone": "phone",
    "applicant.email": "email",
    "applicant.consent": "consent",
    "applicant.privilege_note": "privilege_note",
    "applicant.preferred_channel": "preferred_channel",
}

# Plain words for the legal kinds (Law "On citizens' appeals", art. 3), shown under each.
KIND_HINTS = {
    Kind.PROPOSAL: _("An idea how to improve the work of the city or its services."),
    Kind.APPLICATION: _("A request to help you exercise a right or interest."),
    Kind.COMPLAINT: _("Your rights or interests were violated and you ask to restore them."),
    Kind.SERVICE_REQUEST: _("A city-service problem: no water, a pothole, rubbish not taken away."),
}


@dataclass(frozen=True)
class CategoryChoices:
    """Active leaf categories grouped by their parent branch, for a <select> with <optgroup>s."""

    groups: list[tuple[str, list[tuple[str, str]]]]
    by_code: dict[str, Category]

    @classmethod
    def load(cls) -> "CategoryChoices":
        leaves = list(leaf_categories().select_related("parent__parent"))
        grouped: dict[tuple, tuple[str, list[Category]]] = {}
        for leaf in leaves:
            # Root first; trees are a few levels deep and the two nearest are preloaded.
            branch = list(reversed(ancestors(leaf.parent)))
            key = tuple((node.position, node.name, node.pk) for node in branch)
            label = " › ".join(node.name for node in branch) or gettext("Other matters")
            grouped.setdefault(key, (label, []))[1].append(leaf)
        groups = []
        # Leaves without a branch go last, under "Other matters".
        for key in sorted(grouped, key=lambda k: (not k, k)):
            label, members = grouped[key]
            members.sort(key=lambda c: (c.position, c.name))
            groups.append((label, [(c.code, c.name) for c in members]))
        return cls(groups=groups, by_code={c.code: c for c in leaves})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class AppealForm(forms.Form):
    """The public "File an appeal" form (channel: web)."""

    kind = forms.ChoiceField(
        label=_("What kind of appeal is it?"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of the appeal.")},
    )
    category = forms.ChoiceField(
        label=_("Category"),
        help_text=_("Choose the closest matter from the list."),
        error_messages={
            "required": _("Choose the category of the matter."),
            "invalid_choice": _("Choose a category from the list."),
        },
    )
    address = forms.CharField(
        label=_("Address of the matter"),
        help_text=_("Street, building, entrance or a landmark: where the problem is."),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    text = forms.CharField(
        label=_("Essence of the appeal"),
        help_text=_("What happened, since when, what you ask for."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Describe the essence of the matter."),
            "max_length": _("The text is too long: no more than %(limit_value)d characters."),
        },
    )
    files = MultipleFileField(
        label=_("Photos or documents"),
        required=False,
    )
    applicant_kind = forms.ChoiceField(
        label=_("You write as"),
        choices=[(value, capfirst(label)) for value, label in ApplicantKind.choices],
        initial=ApplicantKind.CITIZEN,
    )
    name = forms.CharField(
        label=_("Full name"),
        help_text=_(
            "Surname, first name and patronymic; for an organization, its name. "
            "Appeals without a name are not considered."
        ),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Give your full name: appeals without a name are not considered.")
        },
    )
    residence = forms.CharField(
        label=_("Place of residence"),
        help_text=_("Required by the law for every appeal except a service request."),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        help_text=_("For example +380 67 123 45 67."),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter the email in full, for example name@example.com.")},
    )
    preferred_channel = forms.ChoiceField(
        label=_("Send me news about the appeal"),
        choices=[("", _("by email if I gave one, else by SMS")), *ReplyChannel.choices],
        required=False,
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data for considering this appeal."),
        error_messages={"required": _("Consent to the processing of personal data is required.")},
    )
    is_privileged = forms.BooleanField(
        label=_("I am entitled by law to be heard first"),
        required=False,
    )
    privilege_note = forms.CharField(
        label=_("Ground"),
        help_text=_("For example: a person with a disability, a combatant, a Hero of Ukraine."),
        required=False,
        max_length=200,
    )
    # A trap for robots: hidden from people (and from screen readers), so only a
    # program that fills every field puts something here.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, categories: CategoryChoices | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories or CategoryChoices.load()
        self.fields["category"].choices = [("", gettext("— choose —")), *self.categories.groups]
        limits = self._file_limits()
        self.fields["files"].help_text = (
            gettext("Up to %(count)d files: photos (JPEG, PNG, WebP) or PDF, up to %(size)s each.")
            % limits
        )

    @staticmethod
    def _file_limits() -> dict:
        limits = settings.VIKNO_ATTACHMENTS
        return {"count": limits["MAX_FILES"], "size": filesizeformat(limits["MAX_BYTES"])}

    def kind_options(self) -> list[tuple]:
        """The kind radios, each with its plain-words hint."""
        return [(radio, KIND_HINTS.get(radio.data["value"], "")) for radio in self["kind"]]

    # --- cleaning ---------------------------------------------------------------------

    def clean_category(self) -> Category:
        code = self.cleaned_data["category"]
        category = self.categories.by_code.get(code)
        if category is None:
            raise forms.ValidationError(gettext("Choose a category from the list."))
        return category

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(gettext("Describe the essence of the matter."))
        return text

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not 10 <= len(normalize_phone(phone)) - 1 <= 15:
            raise forms.ValidationError(
                gettext("Enter the phone number in full, for example +380 67 123 45 67.")
            )
        return phone

    def clean_files(self) -> list[UploadedFile]:
        files = self.cleaned_data.get("files") or []
        # The same check the service makes, so that a wrong file is reported together
        # with the other mistakes and not only after they are fixed.
        try:
            check_uploads(files)
        except ServiceError as exc:
            raise forms.ValidationError(exc.fields.get("files") or [exc.message]) from exc
        return files

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(
                gettext("The form could not be accepted. Check it and send it again."),
                code="honeypot",
            )
        needs_residence = data.get("kind") and data["kind"] != Kind.SERVICE_REQUEST
        if needs_residence and not data.get("residence", "").strip():
            self.add_error(
                "residence",
                gettext("Give your place of residence: the law requires it for this kind."),
            )
        if "phone" in data and "email" in data and not (data["phone"] or data["email"]):
            self.add_error(
                "phone", gettext("Give a phone number or an email so that we can answer you.")
            )
        if data.get("is_privileged") and not data.get("privilege_note", "").strip():
            self.add_error(
                "privilege_note", gettext("Name the ground on which you are to be heard first.")
            )
        return data

    # --- to and from the service --------------------------------------------------------

    def register_arguments(self) -> dict:
        """Keyword arguments of appeal_register (besides actor and channel)."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "category": data["category"],
            "text": data["text"],
            "address": data["address"].strip(),
            "files": data["files"],
            "applicant": ApplicantData(
                kind=data["applicant_kind"],
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                address=data["residence"].strip(),
                consent=data["consent"],
                is_privileged=data["is_privileged"],
                privilege_note=data["privilege_note"].strip() if data["is_privileged"] else "",
                preferred_channel=data["preferred_channel"],
            ),
        }

    def add_service_error(self, error: ServiceError) -> None:
        """Show a refusal of the service next to the fields it names."""
        for name, messages in error.fields.items():
            field = SERVICE_FIELDS.get(name)
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        if not error.fields:
            self.add_error(None, error.message)


class TrackLookupForm(forms.Form):
    """The tracking code (or the whole private link) of an appeal."""

    code = forms.CharField(
        label=_("Tracking code or link"),
        help_text=_("Paste the private link you received after filing, or the code at its end."),
        max_length=300,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
        ),
        error_messages={"required": _("Paste the tracking link or code.")},
    )

    def clean_code(self) -> str:
        value = self.cleaned_data["code"].strip()
        # People paste the whole link: keep what follows /track/.
        token = value.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0].split("#", 1)[0]
        if not token:
            raise forms.ValidationError(gettext("Paste the tracking link or code."))
        return token
