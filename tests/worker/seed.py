"""Seed the crash test's file database: `python -m tests.worker.seed COUNT`.

COUNT forwarded appeals of one utility, made five days ago and due within the hour, so
each has two reminders due (72 and 24 hours before; settings.VIKNO_REMINDERS) and none
is overdue yet. The utility's one executor has an email address: each reminder is an
in-app and an email message.
"""

import sys
from datetime import timedelta


def main(count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from vikno.accounts.models import Role, User
    from vikno.appeals.models import Appeal, Assignment
    from vikno.core.clock import now
    from vikno.reference.models import Category, Organization

    call_command("migrate", verbosity=0)
    roads = Organization.objects.create(code="roads", name="КП «Шляхи»", kind="utility")
    pothole = Category.objects.create(code="pothole", name="Яма на дорозі")
    User.objects.create(
        username="roads_executor",
        role=Role.EXECUTOR,
        organization=roads,
        email="executor@roads.example.org",
    )
    moment = now()
    made = moment - timedelta(days=5)
    appeals = Appeal.objects.bulk_create(
        Appeal(
            number=f"2026-{i:07d}",
            tracking_token=f"crash-test-{i}",
            kind="complaint",
            channel="phone",
            category=pothole,
            text="Яма на дорозі.",
            status="forwarded",
            term="standard",
            received_at=made,
            due_at=moment + timedelta(minutes=30, seconds=i),
            executor=roads,
        )
        for i in range(1, count + 1)
    )
    Assignment.objects.bulk_create(
        Assignment(
            appeal=appeal,
            organization=roads,
            role="lead",
            due_at=appeal.due_at,
            created_at=made,
        )
        for appeal in appeals
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
