"""Full-text search: Ukrainian word forms, the staff text filter, the database's own index."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vikno.appeals import search, services
from vikno.appeals.models import Appeal
from vikno.appeals.search import (
    document_for,
    index_ensure,
    rebuild_index,
    stem,
    terms,
    text_condition,
)
from vikno.appeals.selectors import AppealFilter, appeal_list
from vikno.appeals.services import Preprocessing
from vikno.core.clock import travel

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
UKRAINIAN = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"


def numbers(qs) -> list[str]:
    return list(qs.values_list("number", flat=True))


def listed(text: str) -> list[str]:
    return numbers(appeal_list(AppealFilter(text=text)))


# --- the stemmer ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        ("труба трубу трубою трубами труби трубі", "труб"),
        ("опалення опаленню опаленням опаленні", "опаленн"),
        ("холодна холодної холодну холодній холодними", "холодн"),
        ("вода води воду водою", "вод"),
        ("прорвало прорвав", "прорв"),
        ("світло світла світлом", "світл"),
        ("тече течуть", "теч"),
        ("дах даху дахом", "дах"),
        ("яма ями яму", "ям"),
    ],
)
def test_word_forms_share_one_stem(forms, expected):
    assert {stem(word) for word in forms.split()} == {expected}


def test_terms_fold_case_apostrophes_and_address_words():
    assert terms("Мʼясо м’ясо М'ЯСО") == ["мяс"]
    assert terms("ґанок ганок") == ["ґанок", "ганок"]  # ґ and г stay distinct
    assert terms("вулиця Соборна, буд. 5") == ["вул", "соборн", "5"]
    assert terms("вул.Соборна,5") == ["вул", "соборн", "5"]
    assert terms('"NEAR(труба)" AND * OR : & | ( ) -') == ["near", "труб", "and", "or"]


def test_document_holds_stems_of_text_and_address_once():
    document = document_for(text="Прорвало трубу опалення! Труба тече.", address="вул. Соборна, 5")
    assert document == "прорв труб опаленн теч вул соборн 5"
    assert document_for(text="", address="") == ""


@given(st.text(alphabet=UKRAINIAN + UKRAINIAN.upper(), min_size=3, max_size=20))
def test_stem_of_a_word_of_three_letters_or_more_is_never_empty(word):
    assert len(stem(word.casefold())) >= 2


@given(st.text(alphabet=UKRAINIAN + UKRAINIAN.upper() + "ʼ’'", min_size=1, max_size=20))
def test_query_and_document_forms_of_one_word_agree(word):
    assert document_for(text=word, address="").split() == terms(word)
    assert document_for(text=word.upper(), address="") == document_for(text=word, address="")


# --- the staff text filter ----------------------------------------------------------------


@pytest.fixture
def appeals(flow):
    with travel(T0):
        heating = flow.registered(text="Прорвало трубу опалення в підвалі.", address="")
    with travel(T0 + timedelta(hours=1)):
        water = flow.registered(text="Третій день немає холодної води.", address="вул. Соборна, 5")
    with travel(T0 + timedelta(hours=2)):
        pipe = flow.registered(text="Труба тече біля під'їзду.", address="просп. Миру, 12")
    return {"heating": heating, "water": water, "pipe": pipe}


def test_text_finds_other_word_forms_newest_first(appeals):
    heating, water, pipe = appeals["heating"], appeals["water"], appeals["pipe"]
    assert listed("трубу") == [pipe.number, heating.number]
    assert listed("ТРУБОЮ") == [pipe.number, heating.number]
    assert listed("води") == [water.number]
    assert listed("холодна вода") == [water.number]
    assert listed("підʼїзд") == [pipe.number]


def test_every_word_of_the_query_must_be_present(appeals):
    heating = appeals["heating"]
    assert listed("прорвало трубу") == [heating.number]
    assert listed("трубу прорвало опалення") == [heating.number]
    assert listed("прорвало воду") == []
    assert listed("каналізація") == []


def test_address_words_number_and_phone_keep_working(appeals):
    heating, water, pipe = appeals["heating"], appeals["water"], appeals["pipe"]
    assert listed("вулиця Соборна, буд. 5") == [water.number]
    assert listed("проспект Миру 12") == [pipe.number]
    assert listed(water.number) == [water.number]
    # All three were registered for the same caller (tests.factories.applicant_data).
    assert listed("067 111 22 33") == [pipe.number, water.number, heating.number]
    assert listed("+380671112233") == [pipe.number, water.number, heating.number]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"труба',
        "труб*",
        "труба:",
        "труба & вода",
        "труба | вода",
        "(труба",
        "NEAR(труба",
        "труба AND",
        "OR",
        "NOT труба",
        "-труба",
        "^труба",
        "*",
        "{труба}",
        "''",
        "ʼ",
    ],
)
def test_search_syntax_in_what_people_type_is_text(appeals, query):
    heating, pipe = appeals["heating"], appeals["pipe"]
    expected = {
        '"': [],
        "*": [],
        "''": [],
        "ʼ": [],
        "OR": [],
        "труба AND": [],
        "NOT труба": [],  # "not" is a word like any other: no appeal has it
        "NEAR(труба": [],
        "труба & вода": [],  # both words, as text: no appeal has both
        "труба | вода": [],
    }.get(query, [pipe.number, heating.number])
    assert listed(query) == expected


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(alphabet='"*:&|()-^{}+.,; ' + "NEARORANDтрубаx", max_size=30))
def test_any_query_never_raises(db, query):
    assert isinstance(listed(query), list)


def test_empty_text_filters_nothing(appeals):
    assert numbers(appeal_list(AppealFilter(text=""))) == [
        appeals["pipe"].number,
        appeals["water"].number,
        appeals["heating"].number,
    ]


def test_the_text_condition_narrows_any_queryset(appeals):
    heating, pipe = appeals["heating"], appeals["pipe"]
    qs = Appeal.objects.order_by("received_at")
    assert numbers(qs.filter(text_condition("труби"))) == [heating.number, pipe.number]
    assert numbers(qs.filter(text_condition("!!!"))) == []


def test_pager_count_uses_the_index(appeals):
    qs = appeal_list(AppealFilter(text="труба"))
    assert qs.count() == 2
    assert numbers(qs[:1]) == [appeals["pipe"].number]
    assert numbers(qs[1:2]) == [appeals["heating"].number]


# --- the document follows the services and the database keeps the index --------------------


def test_registration_and_preprocessing_fill_the_document(flow):
    appeal = flow.registered(text="Не горить ліхтар.", address="вул. Соборна, 5")
    assert appeal.search_document == "не гор ліхтар вул соборн 5"
    services.appeal_preprocess(
        actor=flow.operator, appeal=appeal, changes=Preprocessing(address="пл. Ринок, 1")
    )
    appeal.refresh_from_db()
    assert appeal.search_document == "не гор ліхтар пл ринок 1"
    assert listed("Ринок") == [appeal.number]
    assert listed("Соборна") == []


def test_raw_writes_are_indexed_by_the_database(appeals):
    heating, water, pipe = appeals["heating"], appeals["water"], appeals["pipe"]
    Appeal.objects.filter(pk=water.pk).update(search_document="ліфт")
    assert listed("ліфта") == [water.number]
    assert listed("води") == []
    Appeal.objects.filter(pk=pipe.pk).update(search_document="")
    assert listed("труба") == [heating.number]
    rebuild_index()
    assert listed("труба") == [heating.number]
    assert listed("ліфт") == [water.number]


def test_the_index_belongs_to_the_database(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE 'appeals_appeal_fts%%'"
                " AND type IN ('table', 'trigger') ORDER BY name"
            )
            expected = [
                "appeals_appeal_fts",
                "appeals_appeal_fts_ad",
                "appeals_appeal_fts_ai",
                "appeals_appeal_fts_au",
            ]
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'appeals_appeal'"
                " AND indexdef LIKE '%%gin%%to_tsvector%%'"
            )
            expected = ["appeal_search_document_gin"]
        assert [row[0] for row in cursor.fetchall()][: len(expected)] == expected


def test_lost_sqlite_triggers_come_back_after_migrate(appeals):
    """SQLite drops triggers with a remade table; post_migrate puts them back and re-indexes."""
    water = appeals["water"]
    if connection.vendor != "sqlite":
        assert index_ensure() is False  # PostgreSQL's GIN index needs no triggers
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER appeals_appeal_fts_au")
    Appeal.objects.filter(pk=water.pk).update(search_document="ліфт")
    assert listed("ліфт") == []  # the index missed the change
    assert index_ensure() is True
    assert listed("ліфт") == [water.number]
    Appeal.objects.filter(pk=water.pk).update(search_document="дах")
    assert listed("дах") == [water.number]
    assert index_ensure() is False  # nothing left to fix


def test_common_words_find_the_same_on_the_index_walk(appeals, monkeypatch):
    """SQLite walks the received-at index for a common word: the same appeals, same order."""
    monkeypatch.setattr(search, "SQLITE_SCAN_ABOVE", 0)

    def page(text: str) -> list[str]:
        return numbers(appeal_list(AppealFilter(text=text))[:25])

    heating, water, pipe = appeals["heating"], appeals["water"], appeals["pipe"]
    assert page("трубу") == [pipe.number, heating.number]
    assert page("прорвало трубу") == [heating.number]
    assert page(water.number) == [water.number]
    assert page("067 111 22 33") == [pipe.number, water.number, heating.number]
    assert numbers(appeal_list(AppealFilter(text="трубу"))[1:2]) == [heating.number]
    assert appeal_list(AppealFilter(text="труба")).count() == 2
