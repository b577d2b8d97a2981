"""Send an SMS through an SMSC over SMPP 3.4 (smpplib), or to a file without one.

One call is one short session: connect, bind_transmitter, one submit_sm per part,
unbind. Notifications are few and sent from the worker, so a session kept open between
messages would buy nothing and need keep-alives (enquire_link) in between.
"""

import logging
import re
import uuid

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.gsm
import smpplib.smpp

from vikno.core import clock
from vikno.integrations.smpp.exceptions import (
    SmppError,
    SmppInvalidDestinationError,
    SmppPermanentError,
    SmppTemporaryError,
    error_for_status,
)
from vikno.integrations.smpp.types import EncodedSms, SmppConfig

logger = logging.getLogger(__name__)

# Type of number / numbering plan indicator (SMPP 3.4, 5.2.5 and 5.2.6).
TON_INTERNATIONAL = 1
TON_ALPHANUMERIC = 5
NPI_ISDN = 1
NPI_UNKNOWN = 0

# E.164: a country code and at most 15 digits in all.
_E164 = re.compile(r"\+?([1-9]\d{7,14})")


def msisdn(phone: str) -> str:
    """The number as SMPP wants it: E.164 digits without "+" (spaces, dashes dropped)."""
    compact = re.sub(r"[\s\-().]", "", phone or "")
    match = _E164.fullmatch(compact)
    if match is None:
        raise SmppInvalidDestinationError(f"not an international phone number: {phone!r}")
    return match.group(1)


def encode_sms(text: str) -> EncodedSms:
    """Parts, data_coding and esm_class for `text`.

    The GSM 03.38 default alphabet when every character is in it (160 characters, or
    153 per part); otherwise UCS-2 — any Cyrillic letter makes the whole text UCS-2
    (70 characters, or 67 per part). Long texts are split with a 6-byte UDH
    (05 00 03 reference total number) so the phone shows one message.
    """
    if not text:
        raise SmppPermanentError("an empty SMS")
    try:
        parts, data_coding, esm_class = smpplib.gsm.make_parts(text)
    except smpplib.exceptions.MessageTooLong as exc:
        raise SmppPermanentError("the text does not fit in 255 SMS parts") from exc
    if len(parts) > 1:
        # make_parts cuts at a fixed byte count, which can split a GSM escape pair
        # ("€", "[", "~" ...) or a UTF-16 surrogate pair (an emoji) between two parts;
        # the phone then shows garbage at the joint. Cut between characters instead,
        # keeping its UDH (same reference, total and numbers recomputed).
        parts = _split_between_characters(text, int(data_coding), parts[0][:4])
    return EncodedSms(parts=list(parts), data_coding=int(data_coding), esm_class=int(esm_class))


def _split_between_characters(text: str, data_coding: int, udh_head: bytes) -> list[bytes]:
    encode, _single, part_size = smpplib.gsm.ENCODINGS[data_coding]
    chunks: list[bytes] = []
    current = b""
    for character in text:
        encoded = encode(character)
        if len(current) + len(encoded) > part_size:
            chunks.append(current)
            current = b""
        current += encoded
    chunks.append(current)
    if len(chunks) > 255:
        raise SmppPermanentError("the text does not fit in 255 SMS parts")
    # udh_head is 05 00 03 <reference>: the concatenation header smpplib chose.
    return [
        udh_head + bytes([len(chunks), number]) + chunk for number, chunk in enumerate(chunks, 1)
    ]


def send_sms(*, to: str, text: str, config: SmppConfig | None = None) -> list[str]:
    """Send `text` to the phone `to`; returns the SMSC's message id of each part.

    Raises SmppTemporaryError (retry later) or SmppPermanentError (give up).
    """
    config = config or SmppConfig.from_settings()
    destination = msisdn(to)
    encoded = encode_sms(text)
    if not config.host:
        return [_write_file(config, destination, text, encoded)]
    return _submit(config, destination, encoded)


def _write_file(config: SmppConfig, destination: str, text: str, encoded: EncodedSms) -> str:
    """The development backend: one text file per SMS in config.file_dir."""
    config.file_dir.mkdir(parents=True, exist_ok=True)
    moment = clock.now()
    message_id = f"file-{moment:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"
    coding = "UCS-2" if encoded.data_coding == smpplib.consts.SMPP_ENCODING_ISO10646 else "GSM"
    (config.file_dir / f"{message_id}.txt").write_text(
        f"To: +{destination}\nFrom: {config.sender}\nDate: {moment.isoformat()}\n"
        f"Encoding: {coding}, {len(encoded.parts)} part(s)\n\n{text}\n",
        encoding="utf-8",
    )
    # The number is personal data: it stays in the file, never in the log.
    logger.info("SMS written to %s.txt (SMPP_HOST is not set)", message_id)
    return message_id


def _submit(config: SmppConfig, destination: str, encoded: EncodedSms) -> list[str]:
    client = smpplib.client.Client(
        config.host, config.port, timeout=config.timeout, allow_unknown_opt_params=True
    )
    try:
        try:
            client.connect()
        except smpplib.exceptions.ConnectionError as exc:
            raise SmppTemporaryError(
                f"cannot connect to the SMSC at {config.host}:{config.port}"
            ) from exc
        _bind(client, config)
        ids = [_submit_part(client, config, destination, encoded, part) for part in encoded.parts]
        _unbind(client)
        return ids
    except SmppError:
        raise
    except (smpplib.exceptions.ConnectionError, OSError) as exc:
        # OSError covers socket.timeout (TimeoutError) and resets from the peer.
        raise SmppTemporaryError(f"the SMSC connection failed: {exc!r}") from exc
    except smpplib.exceptions.PDUError as exc:
        raise SmppTemporaryError(f"unexpected answer from the SMSC: {exc}") from exc
    finally:
        client.disconnect()


def _bind(client: smpplib.client.Client, config: SmppConfig) -> None:
    try:
        client.bind_transmitter(system_id=config.system_id, password=config.password)
    except smpplib.exceptions.PDUError as exc:
        status = exc.args[1] if len(exc.args) > 1 else None
        if status is None:
            raise
        raise error_for_status(int(status), "bind_transmitter") from exc


def _submit_part(
    client: smpplib.client.Client,
    config: SmppConfig,
    destination: str,
    encoded: EncodedSms,
    part: bytes,
) -> str:
    request = client.send_message(
        source_addr_ton=TON_ALPHANUMERIC,
        source_addr_npi=NPI_UNKNOWN,
        source_addr=config.sender,
        dest_addr_ton=TON_INTERNATIONAL,
        dest_addr_npi=NPI_ISDN,
        destination_addr=destination,
        short_message=part,
        data_coding=encoded.data_coding,
        esm_class=encoded.esm_class,
        registered_delivery=0,
    )
    while True:
        try:
            response = client.read_pdu()
        except TimeoutError as exc:
            raise SmppTemporaryError("no answer from the SMSC to submit_sm") from exc
        if response.command == "enquire_link":
            client.send_pdu(
                smpplib.smpp.make_pdu(
                    "enquire_link_resp", client=client, sequence=response.sequence
                )
            )
            continue
        if response.command == "generic_nack" or (
            response.command == "submit_sm_resp" and response.sequence == request.sequence
        ):
            break
        logger.warning("SMSC sent %s while we waited for submit_sm_resp", response.command)
    if response.status:
        raise error_for_status(int(response.status), "submit_sm")
    message_id = response.message_id
    return message_id.decode("ascii", "replace") if isinstance(message_id, bytes) else message_id


def _unbind(client: smpplib.client.Client) -> None:
    """Say goodbye; the parts are already accepted, so a failure here changes nothing."""
    try:
        client.unbind()
    except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError):
        logger.debug("the SMSC closed the session without unbind_resp")
        client.state = smpplib.consts.SMPP_CLIENT_STATE_OPEN  # so disconnect() does not warn
