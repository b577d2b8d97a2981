"""What the control board's forms carry; the rules (a note on refusal, who may decide) are
the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the executor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VerifyForm(forms.Form):
    note = forms.CharField(
        label=_("What the applicant says"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
