"""The filter bar of a queue and the bulk-forward form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vikno.appeals.choices import Channel, Kind
from vikno.reference.models import Category, Organization, OrganizationKind, Territory

SORTS = {
    "-received": (["-received_at", "-id"], _("newest first")),
    "received": (["received_at", "id"], _("oldest first")),
    "due": (["due_at", "id"], _("due soonest first")),
    "-due": (["-due_at", "-id"], _("due latest first")),
    "priority": (["-priority", "due_at", "id"], _("priority, then due")),
}
ROUTING = "routing"


def _blank(label):
    return [("", label)]


class QueueFilterForm(forms.Form):
    """GET parameters of a queue list; anything unknown is ignored, never an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ChoiceField(label=_("Category"), required=False)
    organization = forms.ChoiceField(label=_("Executor"), required=False)
    territory = forms.ChoiceField(label=_("Territory"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_blank(_("any")) + list(Channel.choices)
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_blank(_("any")) + list(Kind.choices)
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[(key, label) for key, (_order, label) in SORTS.items()],
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _blank(_("any")) + [
            (c.code, c.name) for c in Category.objects.order_by("position", "name")
        ]
        self.fields["organization"].choices = _blank(_("any")) + [
            (o.code, str(o)) for o in organizations
        ]
        self.fields["territory"].choices = _blank(_("any")) + [
            (t.code, t.name) for t in Territory.objects.order_by("name")
        ]

    def value(self, name: str) -> str:
        """The cleaned value, or "" when absent or not one of the choices."""
        if not self.is_bound:
            return ""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or ""


def executor_organizations():
    """Organizations inside Vikno that can be chosen as executors (one query)."""
    return list(
        Organization.objects.filter(is_active=True)
        .exclude(kind=OrganizationKind.EXTERNAL)
        .order_by("name")
    )
