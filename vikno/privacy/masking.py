"""Masks for personal data shown to roles that do not need it in full.

mask_phone("+380671234567") -> "+380 67 *** ** 67"
mask_email("olena.koval@example.com") -> "o***@example.com"
mask_name("Коваль Олена Петрівна") -> "К. О. П."
"""

import re

_DIGITS = re.compile(r"\d")


def mask_phone(phone: str) -> str:
    """Keep the country and operator codes and the last two digits."""
    if not phone:
        return ""
    digits = "".join(_DIGITS.findall(phone))
    if digits.startswith("380") and len(digits) == 12:
        return f"+380 {digits[3:5]} *** ** {digits[-2:]}"
    if digits.startswith("0") and len(digits) == 10:
        return f"0{digits[1:3]} *** ** {digits[-2:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 2) + digits[-2:]


def mask_email(email: str) -> str:
    """Keep the first letter of the mailbox and the domain."""
    if not email:
        return ""
    local, at, domain = email.partition("@")
    if not at:
        return local[:1] + "***"
    return f"{local[:1]}***@{domain}"


def mask_name(name: str) -> str:
    """Keep only the initials, in the order written ("Surname Given-name Patronymic")."""
    return " ".join(f"{word[0]}." for word in name.split())
