from tests.factories import register_appeal
from vikno.appeals.choices import Status


def test_registered_appeal_gets_number_and_status(world):
    appeal = register_appeal(actor=world["users"]["operator"], category=world["no_water"])
    assert appeal.number.endswith("0000001")
    assert appeal.status == Status.REGISTERED
