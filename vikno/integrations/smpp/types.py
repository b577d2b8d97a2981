"""Plain values the SMPP client works with."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class SmppConfig:
    """Where and as whom to send. Without `host`, messages go to files in `file_dir`."""

    host: str
    port: int
    system_id: str
    password: str
    sender: str
    timeout: float
    file_dir: Path

    @classmethod
    def from_settings(cls) -> "SmppConfig":
        return cls(
            host=settings.SMPP_HOST,
            port=settings.SMPP_PORT,
            system_id=settings.SMPP_SYSTEM_ID,
            password=settings.SMPP_PASSWORD,
            sender=settings.SMS_SENDER,
            timeout=settings.SMPP_TIMEOUT,
            file_dir=Path(settings.SMS_FILE_DIR),
        )


@dataclass(frozen=True)
class EncodedSms:
    """One text made ready for submit_sm: its parts (each with its UDH when split)."""

    parts: list[bytes]
    data_coding: int  # 0: SMSC default alphabet (GSM 03.38), 8: UCS-2 (UTF-16-BE)
    esm_class: int  # 0x40 (UDHI) when the parts carry a concatenation header
