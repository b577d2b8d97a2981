"""Internal comments stay internal: not in the public history, not on the status page."""

import pytest

from tests.staff_card.conftest import url
from vikno.appeals import services
from vikno.appeals.choices import PUBLIC_EVENT_KINDS, EventKind
from vikno.appeals.models import AppealNote
from vikno.appeals.selectors import appeal_public_history
from vikno.core.errors import Forbidden, ValidationFailed

pytestmark = pytest.mark.django_db

SECRET = "Заявник конфліктний, дзвонити лише вдень."


def test_note_kind_is_not_public():
    assert EventKind.NOTE_ADDED not in PUBLIC_EVENT_KINDS


def test_note_is_kept_apart_from_the_answer_and_the_public_page(client, card_world, executed):
    operator = card_world["users"]["operator"]
    note = services.appeal_note_add(actor=operator, appeal=executed, text=f"  {SECRET}  ")
    assert (note.author, note.text) == (operator, SECRET)
    event = executed.events.get(kind="note_added")
    assert (event.comment, event.data, event.actor) == ("", {"note": note.pk}, operator)
    assert "note_added" not in [e.kind for e in appeal_public_history(executed)]
    executed.refresh_from_db()
    assert SECRET not in executed.answer

    public = client.get(f"/track/{executed.tracking_token}").content.decode()
    assert "Воду подано." in public  # the answer is public
    assert SECRET not in public

    client.force_login(operator)
    html = client.get(url(executed)).content.decode()
    notes_at = html.index('id="notes-title"')
    answer_at = html.index('id="answer-title"')
    assert html.index(SECRET) > notes_at > answer_at
    assert html.index("Воду подано.") > answer_at


def test_note_refusals_change_nothing(card_world, forwarded):
    users = card_world["users"]
    with pytest.raises(ValidationFailed):
        services.appeal_note_add(actor=users["operator"], appeal=forwarded, text="   ")
    with pytest.raises(Forbidden):
        services.appeal_note_add(actor=users["analyst"], appeal=forwarded, text="текст")
    with pytest.raises(Forbidden):
        services.appeal_note_add(actor=users["roads_executor"], appeal=forwarded, text="текст")
    assert AppealNote.objects.count() == 0
    assert forwarded.events.filter(kind="note_added").count() == 0
