"""Normalizing what people type: phones, addresses, Ukrainian apostrophes."""

import re

# ʼ (U+02BC, the official Ukrainian apostrophe), ’ ‘ ` ´ and ' are all typed for one letter.
_APOSTROPHES = str.maketrans({"ʼ": "'", "’": "'", "‘": "'", "`": "'", "´": "'"})
_STREET_WORDS = {
    "вулиця": "вул",
    "вул.": "вул",
    "проспект": "просп",
    "просп.": "просп",
    "пр.": "просп",
    "провулок": "пров",
    "пров.": "пров",
    "бульвар": "бул",
    "бульв.": "бул",
    "бул.": "бул",
    "площа": "пл",
    "пл.": "пл",
    "будинок": "",
    "буд.": "",
    "б.": "",
    "м.": "",
    "місто": "",
}


def fold(text: str) -> str:
    """Case- and apostrophe-insensitive form for matching."""
    return " ".join(text.translate(_APOSTROPHES).casefold().split())


def address_key(address: str) -> str:
    """A comparable form of an address: "вулиця Соборна, буд. 5" == "вул. Соборна 5"."""
    # "вул.Соборна,5" is typed as often as "вул. Соборна, 5": a dot ends a word too.
    words = re.split(r"[\s,;]+", fold(address).replace(".", ". "))
    kept = [_STREET_WORDS.get(word, word) for word in words]
    return " ".join(word.strip(".") for word in kept if word.strip("."))[:300]


def normalize_phone(phone: str) -> str:
    """E.164 for Ukrainian numbers written the usual ways; other input kept as digits."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    if len(digits) == 10 and digits.startswith("0"):
        digits = "38" + digits
    elif len(digits) == 9:
        digits = "380" + digits
    return "+" + digits
