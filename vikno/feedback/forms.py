"""What the applicant types on the feedback pages; the rules are in vikno.feedback.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vikno.core.errors import ServiceError


class ServiceErrorsMixin:
    def add_service_error(self, error: ServiceError) -> None:
        if not error.fields:
            self.add_error(None, error.message)  # type: ignore[attr-defined]
        for name, messages in error.fields.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)  # type: ignore[attr-defined]


class ConfirmForm(ServiceErrorsMixin, forms.Form):
    solved = forms.TypedChoiceField(
        label=_("Is the problem solved?"),
        choices=[("yes", _("Yes, the problem is solved")), ("no", _("No, it is not solved"))],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Choose yes or no.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        help_text=_("If the problem is not solved, write what is still not done."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RatingForm(ServiceErrorsMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating from 1 (very bad) to 5 (excellent)"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_complaint_about_handling = forms.BooleanField(
        label=_("I complain about how my appeal was handled"), required=False
    )
