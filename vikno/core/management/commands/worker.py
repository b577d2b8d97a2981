"""`python manage.py worker`: Vikno's background worker (the huey consumer).

It runs the queued tasks (notifications after commit, ...) and the periodic ones (the
deadline sweeps, delivery retries) with the defaults of settings.HUEY["consumer"]: two
threads, periodic tasks on. Every option of djhuey's run_huey works here too
(`--workers 4`, `--huey-verbose`, ...). On start it queues one deadline sweep so that a
worker that was stopped catches up at once instead of at the next minute. See
docs/worker.md.
"""

from typing import Any

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey


class Command(RunHuey):
    help = "Run Vikno's background worker: queued tasks and the periodic deadline sweeps."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-catch-up",
            action="store_true",
            dest="no_catch_up",
            help="Do not queue a deadline sweep at start (wait for the next minute).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from huey.contrib.djhuey import HUEY

        if HUEY.immediate:
            # Immediate mode runs tasks in the caller: a consumer would have nothing to do.
            self.stderr.write("HUEY is in immediate mode: nothing to run in a worker.")
            return
        if not options.pop("no_catch_up", False):
            from vikno.sweeps.tasks import deadline_sweeps_now

            deadline_sweeps_now()
        super().handle(*args, **options)
