"""What the inbox forms carry. Only the shape of the input is checked here; every rule
(required reason, the 45-day cap, who may act) is the service's, so its refusal and its
message are the same on the web, in the API and in the card."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from vikno.core.clock import end_of_local_day


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this not within your competence?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportForm(forms.Form):
    report = forms.CharField(
        label=_("What was done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ExtensionForm(forms.Form):
    due = forms.DateField(
        label=_("New term (date)"),
        error_messages={
            "required": _("Choose the date of the new term."),
            "invalid": _("Enter the date as DD.MM.YYYY."),
        },
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Why more time is needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def due_at(self) -> datetime:
        """A term ends at the end of its last local day, as the deadlines module counts."""
        return end_of_local_day(self.cleaned_data["due"])
