"""The small forms of the appeal card: one per action, each feeding one service function."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vikno.appeals.choices import Kind, RejectionReason
from vikno.core.deadlines import Term
from vikno.reference.models import Category, Organization, OrganizationKind, Territory

CO_SLOTS = 3  # co-executor rows offered in a resolution


def internal_organizations():
    return Organization.objects.filter(is_active=True).exclude(kind=OrganizationKind.EXTERNAL)


class DueField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PreprocessForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", _("unchanged")), *Kind.choices], required=False
    )
    category = forms.ModelChoiceField(
        label=_("category"),
        queryset=Category.objects.filter(is_active=True, children__isnull=True),
        required=False,
        empty_label=_("unchanged"),
    )
    territory = forms.ModelChoiceField(
        label=_("territory"),
        queryset=Territory.objects.all(),
        required=False,
        empty_label=_("unchanged"),
    )
    term = forms.ChoiceField(
        label=_("term"), choices=[("", _("by the category")), *Term.choices], required=False
    )
    address = forms.CharField(label=_("address of the matter"), required=False, max_length=300)
    applicant_name = forms.CharField(label=_("applicant's name"), required=False, max_length=300)
    applicant_phone = forms.CharField(label=_("applicant's phone"), required=False, max_length=20)
    applicant_email = forms.EmailField(label=_("applicant's email"), required=False)
    applicant_address = forms.CharField(
        label=_("applicant's place of residence"), required=False, max_length=300
    )


class AnswerOnSpotForm(forms.Form):
    answer = forms.CharField(label=_("answer given to the applicant"), widget=forms.Textarea)


class ForwardForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("executor"),
        queryset=internal_organizations(),
        required=False,
        empty_label=_("by the routing rules"),
    )
    co_executors = forms.ModelMultipleChoiceField(
        label=_("co-executors"), queryset=internal_organizations(), required=False
    )
    due = DueField(label=_("executor's due time"), required=False)
    instruction = forms.CharField(label=_("instruction"), widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = internal_organizations()
        self.fields["co_executors"].queryset = internal_organizations()


class ResolveForm(forms.Form):
    lead = forms.ModelChoiceField(label=_("lead executor"), queryset=internal_organizations())
    due = DueField(label=_("lead executor's due time"), required=False)
    instruction = forms.CharField(label=_("instruction"), widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = internal_organizations()
        for i in range(1, CO_SLOTS + 1):
            self.fields[f"co{i}_organization"] = forms.ModelChoiceField(
                label=_("co-executor %(n)d") % {"n": i},
                queryset=internal_organizations(),
                required=False,
            )
            self.fields[f"co{i}_due"] = DueField(
                label=_("co-executor %(n)d: due time") % {"n": i}, required=False
            )
            self.fields[f"co{i}_instruction"] = forms.CharField(
                label=_("co-executor %(n)d: instruction") % {"n": i}, required=False
            )

    def clean(self):
        data = super().clean()
        data["co_executor_rows"] = self.co_executors()
        return data

    def co_executors(self):
        rows = []
        for i in range(1, CO_SLOTS + 1):
            organization = self.cleaned_data.get(f"co{i}_organization")
            if organization is not None:
                rows.append(
                    (
                        organization,
                        self.cleaned_data.get(f"co{i}_due"),
                        self.cleaned_data.get(f"co{i}_instruction") or "",
                    )
                )
        return rows


class ForwardOutForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("competent body outside Vikno"),
        queryset=Organization.objects.filter(is_active=True, kind=OrganizationKind.EXTERNAL),
    )
    note = forms.CharField(label=_("covering note"), widget=forms.Textarea, required=False)


class EmptyForm(forms.Form):
    pass


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("why this is not your competence"), widget=forms.Textarea)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (photos of the work done); cleaned to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    report = forms.CharField(label=_("what was done"), widget=forms.Textarea)
    files = MultipleFileField(label=_("photos or documents"), required=False)


class VerifyForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        label=_("the applicant says"),
        choices=[("yes", _("done: confirmed")), ("no", _("not done"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("note"), widget=forms.Textarea, required=False)


class ExtendForm(forms.Form):
    due = DueField(label=_("new due time"))
    reason = forms.CharField(label=_("reason (the applicant is told)"), widget=forms.Textarea)


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("legal ground"), choices=RejectionReason.choices)
    comment = forms.CharField(
        label=_("explanation to the applicant"), widget=forms.Textarea, required=False
    )
    repeated_of = forms.CharField(
        label=_("number of the earlier decided appeal"), required=False, max_length=20
    )


class MergeForm(forms.Form):
    parent = forms.CharField(label=_("merge into appeal number"), max_length=20)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("reason for re-opening"), widget=forms.Textarea)


class DelegateForm(forms.Form):
    assignment = forms.TypedChoiceField(label=_("part passed down"), coerce=int)
    organization = forms.ModelChoiceField(
        label=_("subordinate organization"), queryset=Organization.objects.none()
    )
    due = DueField(label=_("due time"), required=False)
    instruction = forms.CharField(label=_("instruction"), widget=forms.Textarea, required=False)

    def __init__(self, *args, assignments=(), organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].choices = [
            (a.pk, f"{a.organization} ({a.get_role_display()})") for a in assignments
        ]
        self.fields["organization"].queryset = (
            organizations if organizations is not None else internal_organizations()
        )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("internal comment"), widget=forms.Textarea)


class UnmaskForm(forms.Form):
    reason = forms.CharField(label=_("why you need the contacts"), max_length=200)
