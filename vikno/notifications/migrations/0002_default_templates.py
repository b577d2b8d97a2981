"""Default texts of the messages about an appeal's progress (Ukrainian; administrators
edit them in the admin under message templates). Existing templates are never overwritten.

Applicants get email when they gave an address, else SMS; staff get in-app messages and
email when their account has an address.
"""

from django.db import migrations

_STAFF_EMAIL_FOOTER = "\n\nКартка звернення: {{ staff_url }}"

TEMPLATES = [
    # --- To the applicant -----------------------------------------------------------------
    (
        "registered",
        "email",
        "Ваше звернення зареєстровано за № {{ number }}",
        "Добрий день!\n\n"
        "Ваше звернення зареєстровано за № {{ number }}.\n"
        "Строк розгляду — до {{ due_date }}.\n\n"
        "Стежити за розглядом можна за посиланням:\n"
        "{{ tracking_url }}",
    ),
    (
        "registered",
        "sms",
        "",
        "Звернення зареєстровано за № {{ number }}. Хід розгляду: {{ tracking_url }}",
    ),
    (
        "forwarded",
        "email",
        "Звернення № {{ number }} передано виконавцю",
        "Добрий день!\n\n"
        "Ваше звернення № {{ number }} передано на розгляд: {{ organization }}.\n"
        "Строк розгляду — до {{ due_date }}.\n\n"
        "Хід розгляду: {{ tracking_url }}",
    ),
    (
        "forwarded",
        "sms",
        "",
        "Звернення № {{ number }} передано: {{ organization }}. Строк — до {{ due_date }}.",
    ),
    (
        "extended",
        "email",
        "Строк розгляду звернення № {{ number }} продовжено",
        "Добрий день!\n\n"
        "Строк розгляду вашого звернення № {{ number }} продовжено до {{ due_date }} "
        "(стаття 20 Закону України «Про звернення громадян»).\n"
        "Причина: {{ reason }}\n\n"
        "Хід розгляду: {{ tracking_url }}",
    ),
    (
        "extended",
        "sms",
        "",
        "Строк розгляду звернення № {{ number }} продовжено до {{ due_date }}. "
        "Причина: {{ reason }}",
    ),
    (
        "closed",
        "email",
        "Звернення № {{ number }} розглянуто",
        "Добрий день!\n\n"
        "Розгляд вашого звернення № {{ number }} завершено.\n"
        "{% if appeal.answer %}Відповідь: {{ appeal.answer }}\n{% endif %}\n"
        "Хід розгляду: {{ tracking_url }}",
    ),
    (
        "closed",
        "sms",
        "",
        "Розгляд звернення № {{ number }} завершено. Подробиці: {{ tracking_url }}",
    ),
    (
        "forwarded_out",
        "email",
        "Звернення № {{ number }} надіслано за належністю",
        "Добрий день!\n\n"
        "Питання вашого звернення № {{ number }} не належить до нашої компетенції. "
        "Відповідно до статті 7 Закону України «Про звернення громадян» його надіслано "
        "за належністю: {{ organization }}. Відповідь ви отримаєте від цього органу.\n\n"
        "Хід розгляду: {{ tracking_url }}",
    ),
    (
        "forwarded_out",
        "sms",
        "",
        "Звернення № {{ number }} надіслано за належністю: {{ organization }} (ст. 7 Закону "
        "«Про звернення громадян»).",
    ),
    # --- To staff -------------------------------------------------------------------------
    (
        "assignment_new",
        "in_app",
        "Нове звернення № {{ number }}",
        "Нове звернення № {{ number }} на виконання ({{ organization }}): "
        "{{ appeal.category.name }}. Строк — до {{ due_date }}.",
    ),
    (
        "assignment_new",
        "email",
        "Нове звернення № {{ number }} на виконання",
        "Вашій організації ({{ organization }}) передано звернення № {{ number }} "
        "на виконання.\n"
        "Категорія: {{ appeal.category.name }}\n"
        "Строк — до {{ due_date }}.\n"
        "{% if instruction %}Доручення: {{ instruction }}\n{% endif %}" + _STAFF_EMAIL_FOOTER,
    ),
    (
        "assignment_returned",
        "in_app",
        "Звернення № {{ number }} повернуто",
        "{{ organization }} повертає звернення № {{ number }} як не своє: {{ reason }}. "
        "Визначте іншого виконавця.",
    ),
    (
        "assignment_returned",
        "email",
        "Звернення № {{ number }} повернуто виконавцем",
        "{{ organization }} повертає звернення № {{ number }} як таке, що не належить до "
        "його компетенції.\n"
        "Причина: {{ reason }}\n\n"
        "Визначте іншого виконавця." + _STAFF_EMAIL_FOOTER,
    ),
    (
        "extension_requested",
        "in_app",
        "Запит на продовження строку: № {{ number }}",
        "{{ organization }} просить продовжити строк звернення № {{ number }} "
        "до {{ requested_date }}: {{ reason }}",
    ),
    (
        "extension_requested",
        "email",
        "Запит на продовження строку звернення № {{ number }}",
        "{{ organization }} просить продовжити строк розгляду звернення № {{ number }} "
        "з {{ due_date }} до {{ requested_date }}.\n"
        "Причина: {{ reason }}\n\n"
        "Рішення приймає керівник." + _STAFF_EMAIL_FOOTER,
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
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
