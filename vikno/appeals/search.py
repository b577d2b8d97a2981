"""Full-text search over appeals: Ukrainian word forms, kept fast by the database's index.

Each appeal keeps `search_document`: the stems of the words of its text and address, one
space between them ("прорвало трубу опалення" -> "прорв труб опаленн"). The database
indexes that column itself (SQLite: the FTS5 table `appeals_appeal_fts` kept by triggers;
PostgreSQL: a GIN index on `to_tsvector('simple', search_document)`), so rows written by
bulk loaders or raw SQL are indexed too. A query is stemmed the same way and every word of
it must be present (AND), in any form: "трубу" finds "труба", "трубою", "труби".

The stemmer is a light one of our own (no maintained Ukrainian stemmer on PyPI fits): it
strips one inflectional ending of a noun, adjective or verb (and the reflexive -ся/-сь),
keeping at least two letters. It does not know alternations ("будинок"/"будинку" stay
apart) nor prefixes: it is for finding, not for linguistics.
"""

import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from vikno.core.text import fold, normalize_phone

FTS_TABLE = "appeals_appeal_fts"

# Inflectional endings, longest first (a longer ending wins over its tail).
_ENDINGS = sorted(
    set(
        " ".join(
            (
                # adjectives and participles
                "ого ому ього ьому ими іми ій ий ої ою ім им их іх ая яя ую юю ів їв "
                # nouns
                "ами ями ах ях ові еві єві ом ем єм ею єю ей ям ам а я у ю о е є и і ї ь й "
                # verbs: present tense, the past in -ав/-ало ("прорвало", "прорвав"); not the
                # infinitive nor -ла/-ли, which would cut nouns ("робота", "світла", "канали")
                "ать ять уть ють ить іть їть ало ав ив ємо емо имо імо ете єте ите іте ає яє ує "
                "ює еш єш иш іш ймо йте ено",
            )
        ).split()
    ),
    key=len,
    reverse=True,
)
_REFLEXIVE = ("ся", "сь")
_MIN_STEM = 2

# Words of addresses written in several ways: one token each, or none.
_STEM_ALIASES = {
    "вулиц": "вул",
    "проспект": "просп",
    "пр": "просп",
    "провулк": "пров",
    "провулок": "пров",
    "бульвар": "бул",
    "бульв": "бул",
    "площ": "пл",
    "будинк": "",
    "будинок": "",
    "буд": "",
    "б": "",
    "м": "",
}

_WORD = re.compile(r"[^\W_]+")
_PHONE_LIKE = re.compile(r"[\d\s()+\-.]+")


def words(value: str) -> list[str]:
    """The words of a text, folded (case, apostrophes: "Мʼясо" -> "мясо"), in order."""
    normalized = unicodedata.normalize("NFC", value or "")
    return _WORD.findall(fold(normalized).replace("'", ""))


def stem(word: str) -> str:
    """The stem of one folded word: at most one ending (after -ся/-сь) stripped, two letters
    kept. Digits and words of other alphabets stay as they are."""
    if not word.isalpha() or len(word) <= _MIN_STEM:
        return word
    base = word
    for ending in _REFLEXIVE:
        if base.endswith(ending) and len(base) - len(ending) > _MIN_STEM:
            base = base[: -len(ending)]
            break
    for ending in _ENDINGS:
        if base.endswith(ending) and len(base) - len(ending) >= _MIN_STEM:
            return base[: -len(ending)]
    return base


def terms(value: str) -> list[str]:
    """The index terms of a text: stems, address words unified, repeats dropped."""
    result: dict[str, None] = {}
    for word in words(value):
        term = stem(word)
        term = _STEM_ALIASES.get(term, term)
        if term:
            result[term] = None
    return list(result)


def document_for(*, text: str, address: str) -> str:
    """What `Appeal.search_document` holds for this text and address (pure, no database)."""
    return " ".join(terms(f"{text or ''} {address or ''}"))


def _fts_query(query_terms: list[str]) -> str:
    # Every term quoted: FTS5 syntax in what people type ("NEAR", "*", ":", "-") is text.
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in query_terms)


# Above this many full-text hits, SQLite finds the newest page faster by walking the
# received-at index and checking each row against the hits than by sorting all the hits.
SQLITE_SCAN_ABOVE = 2000


def text_condition(query: str) -> Q:
    """What the staff text filter finds: an appeal number (exactly), a caller's phone (any
    spelling), or appeals whose text or address holds every word of the query in any form.

    Each alternative is a lookup on its own index (unique number, applicant phone, the
    full-text index), so none of them scans the table.
    """
    from vikno.appeals.models import Applicant

    term = (query or "").strip()
    phone = normalize_phone(term)
    if not (len(phone) >= 10 and _PHONE_LIKE.fullmatch(term)):
        phone = ""
    query_terms = terms(term)
    if connection.vendor == "sqlite":
        return _sqlite_condition(term, phone, query_terms)
    condition = Q(number=term)
    if phone:
        condition |= Q(applicant_id__in=Applicant.objects.filter(phone=phone).values("pk"))
    if query_terms:
        condition |= match_condition(query_terms)
    return condition


class _SqliteIdsIn(RawSQL):
    """`id IN (the set)`, written `+id IN` for a page (ordered and sliced) of a big set.

    The "+" keeps SQLite off the id lookups, so it walks the received-at index newest first
    and stops after the page. A count (no order, no slice) keeps the lookups: visiting the
    hits by id is cheaper than walking the whole index.
    """

    walk = False

    def as_sql(self, compiler, connection):  # type: ignore[no-untyped-def]
        sql, params = super().as_sql(compiler, connection)
        query = compiler.query
        if self.walk and query.order_by and query.high_mark is not None:
            sql = "+" + sql
        return sql, params


def _sqlite_condition(number: str, phone: str, query_terms: list[str]) -> Q:
    """One id set (number, phone, words) so that SQLite can choose the plan by its size.

    Few hits: look the rows up by id and sort them. Many hits (a common word): a page
    walks the received-at index instead (see `_SqliteIdsIn`).
    """
    parts = ["SELECT id FROM appeals_appeal WHERE number = %s"]
    params: list[str] = [number]
    if phone:
        parts.append(
            "SELECT id FROM appeals_appeal WHERE applicant_id IN"
            " (SELECT id FROM appeals_applicant WHERE phone = %s)"
        )
        params.append(phone)
    walk = False
    if query_terms:
        match = _fts_query(query_terms)
        parts.append(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s")  # noqa: S608
        params.append(match)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
                (match,),
            )
            walk = cursor.fetchone()[0] > SQLITE_SCAN_ABOVE
    # Only our own table name is formatted in; every value is a bound parameter.
    expression = _SqliteIdsIn(
        f'"appeals_appeal"."id" IN ({" UNION ALL ".join(parts)})',
        params,
        output_field=BooleanField(),
    )
    expression.walk = walk
    return Q(expression)


def match_condition(query_terms: list[str]) -> Q:
    """The condition "every term is in the document", on this database's index."""
    if connection.vendor == "postgresql":
        expression = RawSQL(
            'to_tsvector(\'simple\'::regconfig, "appeals_appeal"."search_document")'
            " @@ plainto_tsquery('simple'::regconfig, %s)",
            (" ".join(query_terms),),
            output_field=BooleanField(),
        )
        return Q(expression)
    if connection.vendor == "sqlite":
        # The MATCH string is a bound parameter; only our own table name is formatted in.
        ids = RawSQL(  # noqa: S611
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            (_fts_query(query_terms),),
        )
        return Q(pk__in=ids)
    # Another database without an index: correct, not fast.
    condition = Q()
    for term in query_terms:
        condition &= Q(search_document__regex=rf"(^| ){re.escape(term)}( |$)")
    return condition


# The triggers of migration 0004, by name. SQLite drops a table's triggers with the table,
# and Django's SQLite schema editor remakes a table (create, copy, drop, rename) for many
# field changes: after every migrate, `index_ensure` puts back what a later migration lost.
_SQLITE_TRIGGERS = {
    "appeals_appeal_fts_ai": (
        "CREATE TRIGGER appeals_appeal_fts_ai AFTER INSERT ON appeals_appeal BEGIN"
        " INSERT INTO appeals_appeal_fts(rowid, search_document)"
        " VALUES (new.id, new.search_document); END"
    ),
    "appeals_appeal_fts_ad": (
        "CREATE TRIGGER appeals_appeal_fts_ad AFTER DELETE ON appeals_appeal BEGIN"
        " INSERT INTO appeals_appeal_fts(appeals_appeal_fts, rowid, search_document)"
        " VALUES ('delete', old.id, old.search_document); END"
    ),
    "appeals_appeal_fts_au": (
        "CREATE TRIGGER appeals_appeal_fts_au AFTER UPDATE OF search_document"
        " ON appeals_appeal BEGIN"
        " INSERT INTO appeals_appeal_fts(appeals_appeal_fts, rowid, search_document)"
        " VALUES ('delete', old.id, old.search_document);"
        " INSERT INTO appeals_appeal_fts(rowid, search_document)"
        " VALUES (new.id, new.search_document); END"
    ),
}


def index_ensure(*, using: str = "default", **kwargs: object) -> bool:
    """Re-create lost FTS5 triggers (and re-index) on SQLite; True when something was fixed.

    Connected to post_migrate. Does nothing before migration 0004 or on other databases.
    """
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return False
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
            (f"{FTS_TABLE}%",),
        )
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in _SQLITE_TRIGGERS if name not in present]
        if FTS_TABLE not in present or not missing:
            return False
        for name in missing:
            cursor.execute(_SQLITE_TRIGGERS[name])
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
    return True


def rebuild_index() -> None:
    """Rebuild the full-text index from `search_document` of every appeal.

    Needed only after rows were written with the index triggers disabled or dropped (a bulk
    loader that drops `appeals_appeal_fts_*` triggers for speed must call this once at the
    end). On PostgreSQL the index is a plain GIN index the database always keeps: nothing to
    do.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
