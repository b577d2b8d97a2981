"""The filter bar of a queue and the bulk-forward form."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
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


class QuickSelect(forms.Select):
    """A <select> of flat choices written in one pass.

    Django's Select renders every option through its own template: with every category,
    organization and territory of a city that was a third of the queue page's time (bench/,
    scenario 2). Same HTML, same attributes, no option groups.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class QueueFilterForm(forms.Form):
    """GET parameters of a queue list; anything unknown is ignored, never an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ChoiceField(label=_("Category"), required=False, widget=QuickSelect)
    organization = forms.ChoiceField(label=_("Executor"), required=False, widget=QuickSelect)
    territory = forms.ChoiceField(label=_("Territory"), required=False, widget=QuickSelect)
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=_blank(_("any")) + list(Channel.choices),
        widget=QuickSelect,
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=_blank(_("any")) + list(Kind.choices),
        widget=QuickSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[(key, label) for key, (_order, label) in SORTS.items()],
        widget=QuickSelect,
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
