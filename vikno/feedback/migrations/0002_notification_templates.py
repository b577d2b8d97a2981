"""Default texts of the feedback messages to applicants (Ukrainian; administrators edit
them in the admin under message templates). Existing templates are never overwritten."""

from django.db import migrations

TEMPLATES = [
    (
        "feedback_requested",
        "email",
        "Звернення {{ number }}: чи вирішено проблему?",
        "Добрий день!\n\n"
        "Виконавець повідомив, що ваше звернення {{ number }} виконано:\n"
        "{{ appeal.answer }}\n\n"
        "Будь ласка, підтвердіть, чи справді проблему вирішено, за посиланням:\n"
        "{{ feedback_url }}\n\n"
        "Якщо ні — напишіть, що залишилося невиконаним, і звернення повернеться виконавцю. "
        "Якщо ви не відповісте, звернення буде закрито як виконане.\n\n"
        "Хід розгляду: {{ tracking_url }}",
    ),
    (
        "feedback_requested",
        "sms",
        "",
        "Звернення {{ number }} виконано. Чи вирішено проблему? Відповідь: {{ feedback_url }}",
    ),
    (
        "rating_requested",
        "email",
        "Звернення {{ number }}: оцініть, будь ласка, роботу",
        "Добрий день!\n\n"
        "Ваше звернення {{ number }} закрито. Оцініть, будь ласка, як його розглянули "
        "(від 1 до 5), і за потреби залиште коментар або скаргу на розгляд:\n"
        "{{ rating_url }}\n\n"
        "Дякуємо, що допомагаєте нам працювати краще.",
    ),
    (
        "rating_requested",
        "sms",
        "",
        "Звернення {{ number }} закрито. Оцініть розгляд від 1 до 5: {{ rating_url }}",
    ),
]


def load(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for event, channel, subject, body in TEMPLATES:
        NotificationTemplate.objects.get_or_create(
            event=event, channel=channel, defaults={"subject": subject, "body": body}
        )


def unload(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for event, channel, subject, body in TEMPLATES:
        NotificationTemplate.objects.filter(
            event=event, channel=channel, subject=subject, body=body
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(load, unload)]
