"""SMS over SMPP against a real local SMSC (tests/integrations/smpp_simulator.py)."""

import socket

import pytest

from vikno.integrations.smpp.client import encode_sms, msisdn, send_sms
from vikno.integrations.smpp.exceptions import (
    SmppAuthError,
    SmppInvalidDestinationError,
    SmppPermanentError,
    SmppTemporaryError,
)

PHONE = "+380 50 123-45-67"
REGISTERED = "Ваше звернення № 0000123 зареєстровано. Відповідь до 15.12.2026."
# 200 Cyrillic characters: three UCS-2 parts of 67, 67 and 66 characters.
LONG = ("Ґудзик їжака щасливо єднає ґаву й іволгу. " * 5)[:200]


def text_of(pdu: dict) -> bytes:
    """The short_message without its UDH."""
    raw = bytes.fromhex(pdu["short_message"])
    return raw[1 + raw[0] :] if pdu["esm_class"] & 0x40 else raw


def test_cyrillic_text_arrives_as_ucs2(smsc):
    ids = send_sms(to=PHONE, text=REGISTERED)

    assert ids == ["sim-1"]
    [pdu] = smsc.pdus()
    assert pdu["data_coding"] == 8
    assert pdu["esm_class"] == 0
    assert pdu["udh"] is None
    assert bytes.fromhex(pdu["short_message"]).decode("utf-16-be") == REGISTERED
    assert (pdu["source_addr"], pdu["source_addr_ton"], pdu["source_addr_npi"]) == ("Vikno", 5, 0)
    assert (pdu["destination_addr"], pdu["dest_addr_ton"], pdu["dest_addr_npi"]) == (
        "380501234567",
        1,
        1,
    )


def test_a_long_cyrillic_text_arrives_in_concatenated_parts(smsc):
    assert len(LONG) == 200

    ids = send_sms(to=PHONE, text=LONG)

    assert ids == ["sim-1", "sim-2", "sim-3"]
    pdus = smsc.pdus()
    assert [pdu["data_coding"] for pdu in pdus] == [8, 8, 8]
    assert [pdu["esm_class"] for pdu in pdus] == [0x40, 0x40, 0x40]
    assert [(pdu["udh"]["total"], pdu["udh"]["number"]) for pdu in pdus] == [
        (3, 1),
        (3, 2),
        (3, 3),
    ]
    assert len({pdu["udh"]["reference"] for pdu in pdus}) == 1
    assert [pdu["udh"]["hex"][:6] for pdu in pdus] == ["050003"] * 3
    assert [len(text_of(pdu)) for pdu in pdus] == [134, 134, 132]
    assert b"".join(text_of(pdu) for pdu in pdus).decode("utf-16-be") == LONG


def test_a_latin_text_uses_the_default_alphabet(smsc):
    ids = send_sms(to="380671112233", text="Appeal 0000123 registered: see vikno.example")

    assert ids == ["sim-1"]
    [pdu] = smsc.pdus()
    assert pdu["data_coding"] == 0
    assert pdu["esm_class"] == 0
    assert bytes.fromhex(pdu["short_message"]) == b"Appeal 0000123 registered: see vikno.example"
    assert pdu["destination_addr"] == "380671112233"


def test_a_long_latin_text_is_split_into_153_character_parts(smsc):
    text = "x" * 160 + "y" * 10  # 170 characters: over one SMS of 160

    send_sms(to=PHONE, text=text)

    pdus = smsc.pdus()
    assert [pdu["data_coding"] for pdu in pdus] == [0, 0]
    assert [len(text_of(pdu)) for pdu in pdus] == [153, 17]
    assert b"".join(text_of(pdu) for pdu in pdus) == text.encode()


def test_one_cyrillic_letter_makes_the_whole_text_ucs2():
    encoded = encode_sms("Appeal 0000123: готово")

    assert encoded.data_coding == 8
    assert encoded.parts == ["Appeal 0000123: готово".encode("utf-16-be")]


def test_a_wrong_password_is_a_permanent_auth_error(smsc, settings):
    settings.SMPP_PASSWORD = "wrong"

    with pytest.raises(SmppAuthError) as caught:
        send_sms(to=PHONE, text=REGISTERED)

    assert caught.value.status == 0x0E
    assert caught.value.permanent is True
    assert smsc.pdus() == []


def test_a_wrong_system_id_is_a_permanent_auth_error(smsc, settings):
    settings.SMPP_SYSTEM_ID = "someone"

    with pytest.raises(SmppAuthError) as caught:
        send_sms(to=PHONE, text=REGISTERED)

    assert caught.value.status == 0x0F
    assert smsc.pdus() == []


def test_an_smsc_that_is_down_is_a_temporary_error(settings, closed_port):
    settings.SMPP_HOST = "127.0.0.1"
    settings.SMPP_PORT = closed_port

    with pytest.raises(SmppTemporaryError) as caught:
        send_sms(to=PHONE, text=REGISTERED)

    assert caught.value.temporary is True
    assert caught.value.permanent is False
    assert caught.value.status is None


def test_an_smsc_that_does_not_answer_times_out_as_a_temporary_error(settings):
    # The kernel accepts the connection into the backlog; nobody ever reads or answers.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        settings.SMPP_HOST = "127.0.0.1"
        settings.SMPP_PORT = silent.getsockname()[1]
        settings.SMPP_TIMEOUT = 0.3

        with pytest.raises(SmppTemporaryError):
            send_sms(to=PHONE, text=REGISTERED)


def test_throttling_is_a_temporary_error(start_smsc):
    smsc = start_smsc("--throttle")

    with pytest.raises(SmppTemporaryError) as caught:
        send_sms(to=PHONE, text=REGISTERED)

    assert caught.value.status == 0x58
    assert [pdu["status"] for pdu in smsc.pdus()] == [0x58]


def test_a_destination_the_smsc_refuses_is_permanent(start_smsc):
    start_smsc("--invalid-prefix", "38050")

    with pytest.raises(SmppInvalidDestinationError) as caught:
        send_sms(to=PHONE, text=REGISTERED)

    assert caught.value.status == 0x0B
    assert caught.value.permanent is True


@pytest.mark.parametrize("phone", ["", "0501234567", "+380 50", "+38050123456789012", "abc"])
def test_a_number_that_is_not_e164_is_refused_before_connecting(smsc, phone):
    with pytest.raises(SmppInvalidDestinationError):
        send_sms(to=phone, text=REGISTERED)

    assert smsc.pdus() == []


def test_msisdn_drops_the_plus_and_separators():
    assert msisdn("+380 (50) 123-45-67") == "380501234567"
    assert msisdn("380501234567") == "380501234567"


def test_an_empty_text_is_refused(smsc):
    with pytest.raises(SmppPermanentError):
        send_sms(to=PHONE, text="")

    assert smsc.pdus() == []


def test_without_smpp_host_the_sms_is_written_to_a_file(settings, tmp_path):
    settings.SMPP_HOST = ""
    settings.SMS_FILE_DIR = tmp_path / "outbox-sms"
    settings.SMS_SENDER = "Vikno"

    [message_id] = send_sms(to=PHONE, text=REGISTERED)

    [written] = (tmp_path / "outbox-sms").iterdir()
    assert written.name == f"{message_id}.txt"
    content = written.read_text(encoding="utf-8")
    assert content.startswith("To: +380501234567\nFrom: Vikno\n")
    assert "Encoding: UCS-2, 1 part(s)\n" in content
    assert content.endswith(f"\n\n{REGISTERED}\n")


def test_a_gsm_escape_pair_is_never_cut_between_two_parts(smsc):
    # "€" is ESC 0x65 in GSM 03.38: at bytes 153-154 it would straddle the first cut.
    text = "a" * 152 + "€" + "b" * 20

    send_sms(to=PHONE, text=text)

    pdus = smsc.pdus()
    assert [len(text_of(pdu)) for pdu in pdus] == [152, 22]
    assert text_of(pdus[1]).startswith(b"\x1b\x65")
    assert [(pdu["udh"]["total"], pdu["udh"]["number"]) for pdu in pdus] == [(2, 1), (2, 2)]
    assert len({pdu["udh"]["reference"] for pdu in pdus}) == 1


def test_a_surrogate_pair_is_never_cut_between_two_parts(smsc):
    text = "я" * 66 + "🙂" + "ю" * 10  # the emoji is 4 bytes at 132-135: over 134

    send_sms(to=PHONE, text=text)

    pdus = smsc.pdus()
    assert [len(text_of(pdu)) for pdu in pdus] == [132, 24]
    assert [text_of(pdu).decode("utf-16-be") for pdu in pdus] == ["я" * 66, "🙂" + "ю" * 10]
