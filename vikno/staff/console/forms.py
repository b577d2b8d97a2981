"""The "new call" form: who is calling, what about, and what the operator does with it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vikno.appeals.choices import ApplicantKind, Kind
from vikno.reference.models import Category

ACTIONS = ("register", "on_spot", "merge")


class CallForm(forms.Form):
    """What an operator types during a call; the services decide everything else."""

    phone = forms.CharField(label=_("Caller's number"), required=False, max_length=30)
    name = forms.CharField(label=_("Name"), required=False, max_length=300)
    residence = forms.CharField(label=_("Place of residence"), required=False, max_length=300)
    applicant_kind = forms.ChoiceField(
        label=_("Applicant"), choices=ApplicantKind.choices, initial=ApplicantKind.CITIZEN
    )
    is_privileged = forms.BooleanField(label=_("Entitled to be heard first"), required=False)
    consent = forms.BooleanField(
        label=_("Agreed to the processing of personal data"), required=False, initial=True
    )
    # Most calls to a city line are service requests (no water, a pothole): the default.
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Kind.choices,
        initial=Kind.SERVICE_REQUEST,
        widget=forms.RadioSelect,
    )
    category = forms.CharField(label=_("Category"), max_length=80)
    address = forms.CharField(label=_("Address of the matter"), required=False, max_length=300)
    text = forms.CharField(label=_("Essence of the appeal"), max_length=10000)
    urgent = forms.BooleanField(label=_("Urgent (emergency)"), required=False)
    answer = forms.CharField(label=_("Answer given on the spot"), required=False, max_length=10000)
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], initial="register")
    parent = forms.CharField(required=False, max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].error_messages["required"] = _("Choose the category.")
        self.fields["text"].error_messages["required"] = _("Describe the essence of the matter.")

    def clean_category(self) -> Category:
        code = self.cleaned_data["category"]
        category = Category.objects.filter(code=code, is_active=True).first()
        if category is None:
            raise forms.ValidationError(_("Choose a category from the list."))
        return category

    def clean(self):
        data = super().clean()
        if data.get("action") == "on_spot" and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Write the answer given to the caller."))
        if data.get("action") == "merge" and not (data.get("parent") or "").strip():
            self.add_error(None, _("Choose the appeal to link this call to."))
        return data
