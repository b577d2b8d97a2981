"""A real SMSC on 127.0.0.1 for the SMPP tests: smpp_simulator.py as a subprocess."""

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SIMULATOR = Path(__file__).with_name("smpp_simulator.py")
SYSTEM_ID = "vikno"
PASSWORD = "s3cret"  # SMPP passwords are at most 8 characters


class Smsc:
    """One simulator process and the submit_sm PDUs it received."""

    def __init__(self, log: Path, *flags: str) -> None:
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
            [
                sys.executable,
                str(SIMULATOR),
                "--system-id",
                SYSTEM_ID,
                "--password",
                PASSWORD,
                "--log",
                str(log),
                *flags,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        ready = self.process.stdout.readline().split()  # blocks until it listens (or dies)
        if ready[:1] != ["READY"]:
            self.stop()
            raise RuntimeError(f"the SMPP simulator did not start: {ready!r}")
        self.port = int(ready[1])

    def pdus(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def start_smsc(tmp_path, settings) -> Iterator:
    """start_smsc(*flags) runs a simulator and points the SMPP_* settings at it."""
    started: list[Smsc] = []

    def start(*flags: str) -> Smsc:
        smsc = Smsc(tmp_path / f"pdus-{len(started)}.jsonl", *flags)
        started.append(smsc)
        settings.SMPP_HOST = "127.0.0.1"
        settings.SMPP_PORT = smsc.port
        settings.SMPP_SYSTEM_ID = SYSTEM_ID
        settings.SMPP_PASSWORD = PASSWORD
        settings.SMS_SENDER = "Vikno"
        settings.SMPP_TIMEOUT = 5
        return smsc

    yield start
    for smsc in started:
        smsc.stop()


@pytest.fixture
def smsc(start_smsc) -> Smsc:
    return start_smsc()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
