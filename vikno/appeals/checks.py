"""Pre-processing checks of art. 5 and 8 of the Law "On citizens' appeals".

A written appeal names the applicant, their place of residence and sets out the essence
of the matter; an electronic one also gives an email or other means of reply. An appeal
whose author cannot be established is anonymous and is not considered.
"""

from django.utils.translation import gettext as _

from vikno.appeals.choices import ELECTRONIC_CHANNELS, Kind
from vikno.appeals.models import Appeal

MIN_ESSENCE_LENGTH = 10


def is_anonymous(appeal: Appeal) -> bool:
    applicant = appeal.applicant
    return applicant is None or not applicant.name.strip()


def art5_problems(appeal: Appeal) -> dict[str, list[str]]:
    """Field → what is missing, in the words the operator will read out to the applicant."""
    problems: dict[str, list[str]] = {}
    applicant = appeal.applicant
    if len(appeal.text.strip()) < MIN_ESSENCE_LENGTH:
        problems["text"] = [_("The essence of the matter is not set out.")]
    if applicant is None:
        return problems
    # A city-service request is about a place, not about the person: no residence needed.
    if appeal.kind != Kind.SERVICE_REQUEST and not applicant.address.strip():
        problems["applicant.address"] = [_("The applicant's place of residence is not given.")]
    if appeal.channel in ELECTRONIC_CHANNELS and not (applicant.email or applicant.phone):
        problems["applicant.email"] = [
            _("An electronic appeal must give an email or another means of reply.")
        ]
    return problems
