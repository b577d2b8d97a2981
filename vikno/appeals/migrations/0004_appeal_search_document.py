"""Full-text search: `Appeal.search_document` and its index, kept by the database.

SQLite: an external-content FTS5 table over the column, with triggers on insert, update and
delete (rows written by raw SQL are indexed too). PostgreSQL: a GIN index on
to_tsvector('simple', search_document). Existing appeals are filled in batches.
"""

from django.db import migrations, models

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE appeals_appeal_fts USING fts5(search_document,"
    " content='appeals_appeal', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER appeals_appeal_fts_ai AFTER INSERT ON appeals_appeal BEGIN"
    " INSERT INTO appeals_appeal_fts(rowid, search_document)"
    " VALUES (new.id, new.search_document); END",
    "CREATE TRIGGER appeals_appeal_fts_ad AFTER DELETE ON appeals_appeal BEGIN"
    " INSERT INTO appeals_appeal_fts(appeals_appeal_fts, rowid, search_document)"
    " VALUES ('delete', old.id, old.search_document); END",
    "CREATE TRIGGER appeals_appeal_fts_au AFTER UPDATE OF search_document"
    " ON appeals_appeal BEGIN"
    " INSERT INTO appeals_appeal_fts(appeals_appeal_fts, rowid, search_document)"
    " VALUES ('delete', old.id, old.search_document);"
    " INSERT INTO appeals_appeal_fts(rowid, search_document)"
    " VALUES (new.id, new.search_document); END",
    "INSERT INTO appeals_appeal_fts(appeals_appeal_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS appeals_appeal_fts_ai",
    "DROP TRIGGER IF EXISTS appeals_appeal_fts_ad",
    "DROP TRIGGER IF EXISTS appeals_appeal_fts_au",
    "DROP TABLE IF EXISTS appeals_appeal_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX appeal_search_document_gin ON appeals_appeal"
    " USING gin (to_tsvector('simple'::regconfig, search_document))",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS appeal_search_document_gin"]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def index_create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_FORWARD)


def index_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_REVERSE)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_REVERSE)


def documents_fill(apps, schema_editor):
    """Existing appeals (demo databases on people's machines) get their documents."""
    from vikno.appeals.search import document_for

    Appeal = apps.get_model("appeals", "Appeal")
    rows = Appeal.objects.order_by("pk").values_list("pk", "text", "address")
    batch = []
    for pk, text, address in rows.iterator(chunk_size=2000):
        batch.append(Appeal(pk=pk, search_document=document_for(text=text, address=address)))
        if len(batch) == 2000:
            Appeal.objects.bulk_update(batch, ["search_document"])
            batch = []
    if batch:
        Appeal.objects.bulk_update(batch, ["search_document"])


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0003_applicant_preferred_channel"),
    ]

    operations = [
        migrations.AddField(
            model_name="appeal",
            name="search_document",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(documents_fill, migrations.RunPython.noop),
        migrations.RunPython(index_create, index_drop),
    ]
