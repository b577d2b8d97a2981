"""The default Ukrainian texts of the deadline messages to staff (editable in the admin)."""

from django.db import migrations

TEMPLATES = {
    "deadline_reminder": (
        "Нагадування: {{ number }} — строк {{ assignment_due }}",
        "Нагадування про строк виконання.\n"
        "Звернення {{ number }} ({{ organization }}): строк виконання {{ assignment_due }}, "
        "залишилося {{ hours_before }} год.\n"
        "{{ staff_url }}",
    ),
    "deadline_overdue": (
        "Прострочено: {{ number }} — строк минув {{ assignment_due }}",
        "Строк виконання минув.\n"
        "Звернення {{ number }}: виконавець {{ organization }}, строк був {{ assignment_due }}.\n"
        "Потрібне рішення керівника: нагадати виконавцю, продовжити строк або передати іншому.\n"
        "{{ staff_url }}",
    ),
    "deadline_digest": (
        "Контроль строків на {{ day }}: {{ organization }}",
        "Контроль строків на {{ day }} — {{ organization }}.\n"
        "Прострочено: {{ overdue }}.\n"
        "Строк спливає найближчим часом: {{ due_soon }}.\n"
        "{{ public_url }}/staff/",
    ),
}


def add_templates(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for event, (subject, body) in TEMPLATES.items():
        for channel in ("in_app", "email"):
            NotificationTemplate.objects.get_or_create(
                event=event, channel=channel, defaults={"subject": subject, "body": body}
            )


def remove_templates(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    NotificationTemplate.objects.filter(event__in=list(TEMPLATES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sweeps", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_templates, remove_templates)]
