"""`python manage.py worker`: Vikno's background worker (the huey consumer).

It runs the queued tasks (notifications after commit, ...) and the periodic ones (the
deadline sweeps, delivery retries) with the defaults of settings.HUEY["consumer"]: two
threads, periodic tasks on. Every option of djhuey's run_huey works here too
(`--workers 4`, `--no-periodic`, `--huey-verbose`, ...). The consumer checks the periodic
tasks as soon as it starts, so a worker that was stopped catches up at once. See
docs/worker.md.
"""

import logging
from typing import Any

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey


class Command(RunHuey):
    help = "Run Vikno's background worker: queued tasks and the periodic deadline sweeps."

    def handle(self, *args: Any, **options: Any) -> None:
        from huey.contrib.djhuey import HUEY

        if HUEY.immediate:
            # Immediate mode runs tasks in the caller: a consumer would have nothing to do.
            self.stderr.write("HUEY is in immediate mode: nothing to run in a worker.")
            return
        # run_huey gives the "huey" logger its own handler; without this every line would
        # be printed twice (once more by the root logger of settings.LOGGING).
        logging.getLogger("huey").propagate = False
        super().handle(*args, **options)
