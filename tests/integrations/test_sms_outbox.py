"""The "sms" channel of the notifications outbox, delivered to a real local SMSC."""

from datetime import timedelta

from tests.factories import applicant_data, register_appeal
from vikno.core import clock
from vikno.notifications.models import Notification, NotificationChannel, NotificationState
from vikno.notifications.services import deliver_due


def text_of(pdu: dict) -> bytes:
    raw = bytes.fromhex(pdu["short_message"])
    return raw[1 + raw[0] :] if pdu["esm_class"] & 0x40 else raw


def sms_row(**values) -> Notification:
    moment = clock.now()
    fields = {
        "key": "test:sms:applicant",
        "event": "registered",
        "channel": NotificationChannel.SMS,
        "address": "+380501234567",
        "body_text": "Звернення зареєстровано за № 0000042.",
        "next_attempt_at": moment,
        "created_at": moment,
    }
    fields.update(values)
    return Notification.objects.create(**fields)


def test_a_registered_appeal_reaches_the_smsc_once_with_its_ukrainian_text(world, smsc, settings):
    settings.VIKNO_PUBLIC_URL = "https://vikno.example"
    appeal = register_appeal(
        actor=world["users"]["operator"],
        category=world["pothole"],
        applicant=applicant_data(email="", phone="050 123 45 67"),
    )
    [row] = Notification.objects.filter(channel=NotificationChannel.SMS)
    expected = (
        f"Звернення зареєстровано за № {appeal.number}. "
        f"Хід розгляду: https://vikno.example/track/{appeal.tracking_token}"
    )
    assert (row.address, row.body_text, row.state) == (
        "+380501234567",
        expected,
        NotificationState.PENDING,
    )

    deliver_due()

    pdus = smsc.pdus()
    parts = -(-len(expected) // 67) if len(expected) > 70 else 1
    assert len(pdus) == parts
    assert {pdu["destination_addr"] for pdu in pdus} == {"380501234567"}
    assert {pdu["data_coding"] for pdu in pdus} == {8}
    assert b"".join(text_of(pdu) for pdu in pdus).decode("utf-16-be") == expected
    row.refresh_from_db()
    assert row.state == NotificationState.SENT
    assert row.attempts == 1
    assert row.provider_id == ",".join(f"sim-{n}" for n in range(1, parts + 1))

    # A second run (a re-run sweep, a second worker) sends nothing again.
    deliver_due()
    with clock.travel(clock.now() + timedelta(days=1)):
        deliver_due()

    assert len(smsc.pdus()) == parts
    row.refresh_from_db()
    assert (row.state, row.attempts) == (NotificationState.SENT, 1)


def test_an_smsc_that_is_down_leaves_the_sms_pending_for_a_retry(db, settings, closed_port):
    settings.SMPP_HOST = "127.0.0.1"
    settings.SMPP_PORT = closed_port
    row = sms_row()

    report = deliver_due()

    row.refresh_from_db()
    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    assert (row.state, row.attempts, row.provider_id) == (NotificationState.PENDING, 1, "")
    assert row.last_error == f"cannot connect to the SMSC at 127.0.0.1:{closed_port}"
    assert row.next_attempt_at > clock.now()


def test_the_retry_goes_out_once_the_smsc_is_back(db, settings, start_smsc, closed_port):
    settings.SMPP_HOST = "127.0.0.1"
    settings.SMPP_PORT = closed_port
    row = sms_row()
    deliver_due()
    row.refresh_from_db()
    smsc = start_smsc()

    with clock.travel(row.next_attempt_at):
        report = deliver_due()

    row.refresh_from_db()
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    assert (row.state, row.attempts, row.provider_id) == (NotificationState.SENT, 2, "sim-1")
    [pdu] = smsc.pdus()
    assert text_of(pdu).decode("utf-16-be") == "Звернення зареєстровано за № 0000042."


def test_without_smpp_host_the_outbox_writes_the_sms_to_a_file(db, settings, tmp_path):
    settings.SMPP_HOST = ""
    settings.SMS_FILE_DIR = tmp_path / "outbox-sms"
    row = sms_row()

    deliver_due()

    row.refresh_from_db()
    [written] = (tmp_path / "outbox-sms").iterdir()
    assert row.state == NotificationState.SENT
    assert written.name == f"{row.provider_id}.txt"
    assert written.read_text(encoding="utf-8").endswith(
        "\n\nЗвернення зареєстровано за № 0000042.\n"
    )


def test_a_permanent_error_fails_the_sms_at_once_and_the_others_still_go(db, smsc):
    invalid = sms_row(key="test:sms:invalid", address="050 12")
    valid = sms_row(key="test:sms:valid")

    report = deliver_due()

    invalid.refresh_from_db()
    valid.refresh_from_db()
    assert (report.sent, report.retried, report.failed) == (1, 0, 1)
    assert (invalid.state, invalid.attempts) == (NotificationState.FAILED, 1)
    assert invalid.last_error == "not an international phone number: '050 12'"
    assert (valid.state, valid.provider_id) == (NotificationState.SENT, "sim-1")
    assert [pdu["destination_addr"] for pdu in smsc.pdus()] == ["380501234567"]


def test_a_wrong_password_fails_the_sms_at_once(db, smsc, settings):
    settings.SMPP_PASSWORD = "wrong"
    row = sms_row()

    report = deliver_due()

    row.refresh_from_db()
    assert (report.sent, report.retried, report.failed) == (0, 0, 1)
    assert (row.state, row.attempts) == (NotificationState.FAILED, 1)
    assert row.last_error == "bind_transmitter refused by the SMSC: 0x0000000E Invalid Password"
    assert smsc.pdus() == []
