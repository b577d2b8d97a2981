"""Fill a fresh Vikno database with N realistic appeals, fast (a million in minutes).

Run inside Django (`python -m bench generate --size N`, with the Context's env). The
reference data (organizations, categories, territories, staff) is the demo city's,
loaded by vikno.demo.loader.load_reference; the appeals, applicants, assignments,
history events, ratings and feedback requests are built as tuples from a seeded
random.Random and written straight into the real tables (executemany on SQLite, COPY on
PostgreSQL), chunk by chunk. What such a raw insert bypasses is fixed up afterwards:
the yearly number sequences, the id sequences, the full-text index, the planner's
statistics.

The shape of the data (all relative to the moment of the load, "now"):
- received over the last 365 days, evenly;
- about `open_share` (40 %) still open, more of the recent ones than of the old ones;
- 10 % of all appeals due or overdue now: among the open ones, a quarter is either
  overdue (due in the last 20 days) or due within the next 72 hours; the other open ones
  are due 4 to 45 days ahead; closed ones were due at their legal term and were closed
  before or (about 13 %) after it;
- open statuses spread over the workflow (registered, pre-processed, forwarded, accepted,
  in work, executed, returned) with the matching lead assignment and history;
- texts from the demo city's templates plus a few with the word forms of "труба".
"""

from __future__ import annotations

import json
import random
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

DAY = 86400
HOUR = 3600

OPEN_STATUS_WEIGHTS = {
    "registered": 4,
    "preprocessed": 6,
    "forwarded": 20,
    "accepted": 15,
    "in_work": 42,
    "executed": 10,
    "returned": 3,
}
CHANNEL_WEIGHTS = {
    "phone": 55,
    "web": 20,
    "email": 8,
    "chat": 7,
    "in_person": 5,
    "api": 3,
    "open311": 1,
    "upstream": 1,
}
SCORE_WEIGHTS = {5: 45, 4: 25, 3: 12, 2: 8, 1: 10}
ASSIGNMENT_STATE = {
    "forwarded": "pending",
    "accepted": "accepted",
    "in_work": "in_work",
    "executed": "executed",
    "returned": "returned",
    "closed": "executed",
}

FORWARDED_OUT_ANSWER = (
    "Звернення надіслано за належністю до органу, до компетенції якого належить "
    "вирішення порушених питань."
)

# Extra templates (bench only) with the word forms the full-text search must match:
# труба / трубу / трубою / труби, опалення, сміття.
PIPE_TEMPLATES = {
    "water-main-leak": (
        "Біля будинку {addr} прорвало трубу, вода заливає двір і підвал.",
        "На {street} лопнула труба водогону, вода тече по тротуару вже {hours} год.",
        "З-під асфальту біля {addr} б'є вода: схоже, пошкоджена труба. Просимо перевірити.",
    ),
    "heating-leak": (
        "У підвалі будинку {addr} тече труба опалення, батареї в квартирах холодні.",
        "Трубою теплотраси біля {addr} виходить пара, люди ходять поруч. Просимо усунути.",
        "Замініть іржаву трубу опалення в під'їзді будинку {addr}, з неї капає.",
    ),
    "sewer-blockage": (
        "Каналізаційна труба в підвалі будинку {addr} забита, запах на весь під'їзд.",
    ),
    "garbage-not-collected": (
        "Сміття біля будинку {addr} не вивозять {days} дні, контейнери переповнені.",
    ),
}


@dataclass
class Variant:
    """One pre-rendered appeal text with its place and category."""

    category_id: int
    leaf_code: str
    profile: str
    term_kind: str  # "short" | "standard"
    hours: int | None
    executor_id: int | None
    executor_external: bool
    text: str
    address: str
    address_key: str
    territory_id: int | None
    latitude: str
    longitude: str
    done: str
    search_document: object = None


# --- engine-specific writing ----------------------------------------------------------------


class Writer:
    """Writes rows into a table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, connection):
        self.connection = connection
        self.vendor = connection.vendor

    def ts(self, seconds: float):
        """A moment (epoch seconds) as the column value this engine stores."""
        moment = datetime.fromtimestamp(seconds, UTC)
        if self.vendor == "sqlite":
            return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
        return moment

    def write(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                names = ", ".join(f'"{c}"' for c in columns)
                with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join("?" for _ in columns)
                cursor.cursor.executemany(
                    f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608
                    rows,
                )


class Table:
    """The columns of a model's table: the generated ones first, then constant defaults."""

    def __init__(self, model, generated: Sequence[str], connection):
        from django.db.models import NOT_PROVIDED

        self.model = model
        self.name = model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(generated) - set(fields)
        if unknown:
            raise ValueError(f"{self.name}: no columns {sorted(unknown)}")
        self.columns = [fields[name].column for name in generated]
        tail = []
        for attname, field in fields.items():
            if attname in generated:
                continue
            if field.primary_key:
                continue  # the database numbers the rows
            if field.has_default() or field.default is not NOT_PROVIDED:
                value = field.get_default()
            elif field.null:
                value = None
            elif field.blank and field.get_internal_type() in {"CharField", "TextField"}:
                value = ""
            else:
                raise ValueError(f"{self.name}.{attname} needs a value")
            tail.append(field.get_db_prep_save(value, connection))
            self.columns.append(field.column)
        self.tail = tuple(tail)


# --- reference data, users, the text pool --------------------------------------------------


def _reset_database(ctx_vendor: str) -> None:
    from django.db import connection

    if ctx_vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")


def _bench_users(reference) -> dict[str, object]:
    from bench.context import API_KEY_NAME, EXECUTOR_USERNAME, OPERATOR_USERNAME
    from vikno.accounts.models import Role, User
    from vikno.accounts.services import apikey_create

    operator = User.objects.create_user(
        username=OPERATOR_USERNAME,
        password=secrets.token_urlsafe(16),
        first_name="Бенч",
        last_name="Оператор",
        role=Role.OPERATOR,
        organization=reference.organizations["vyknopil-1580"],
    )
    # The busiest executor: the water utility (most city-service requests go there).
    executor = User.objects.create_user(
        username=EXECUTOR_USERNAME,
        password=secrets.token_urlsafe(16),
        first_name="Бенч",
        last_name="Виконавець",
        role=Role.EXECUTOR,
        organization=reference.organizations["kp-vodokanal"],
    )
    _key, plain = apikey_create(name=API_KEY_NAME, role=Role.OPERATOR)
    return {"operator": operator, "executor": executor, "api_key": plain}


def _text_pool(reference, rng: random.Random, size: int, moment: datetime) -> list[Variant]:
    from vikno.core.text import address_key
    from vikno.demo import loader
    from vikno.reference.models import OrganizationKind

    leaves = list(reference.leaves.values())
    weights = [leaf.weight for leaf, _category in leaves]
    pool = []
    for index in range(size):
        leaf, category = rng.choices(leaves, weights=weights)[0]
        templates = leaf.texts
        if leaf.code in PIPE_TEMPLATES and index % 2 == 0:
            templates = PIPE_TEMPLATES[leaf.code]
        place = loader.random_place(rng)
        text = loader.render(rng.choice(templates), rng, place, moment)
        territory = reference.settlements.get(place.settlement or "") or reference.districts.get(
            place.district
        )
        executor = reference.organizations.get(leaf.executor) if leaf.executor else None
        pool.append(
            Variant(
                category_id=category.pk,
                leaf_code=leaf.code,
                profile=leaf.profile,
                term_kind=leaf.term,
                hours=leaf.hours,
                executor_id=executor.pk if executor else None,
                executor_external=bool(executor and executor.kind == OrganizationKind.EXTERNAL),
                text=text,
                address=place.address,
                address_key=address_key(place.address),
                territory_id=territory.pk if territory else None,
                latitude=f"{place.latitude:.6f}",
                longitude=f"{place.longitude:.6f}",
                done=leaf.done,
            )
        )
    return pool


def _search_documents(pool: list[Variant]) -> bool:
    """Fill Variant.search_document when the search engineer's document_for exists."""
    try:
        from vikno.appeals.search import document_for  # type: ignore[import-not-found]
    except ImportError:
        return False
    cache: dict[tuple[str, str], object] = {}
    for variant in pool:
        key = (variant.text, variant.address)
        if key not in cache:
            cache[key] = document_for(text=variant.text, address=variant.address)
        variant.search_document = cache[key]
    return True


# --- the appeals ----------------------------------------------------------------------------


def _weighted(rng: random.Random, weights: dict) -> list:
    """A cheap sampler: a list where each value appears `weight` times."""
    out = []
    for value, weight in weights.items():
        out += [value] * weight
    return out


def generate(*, size: int, seed: int = 20260601, open_share: float = 0.4) -> dict:
    """Fill the (empty, migrated) database; returns what was made and how long it took."""
    from django.db import connection, transaction

    from vikno.accounts.models import User
    from vikno.appeals.models import Appeal, AppealEvent, Applicant, Assignment, NumberSequence
    from vikno.core import clock
    from vikno.demo import loader
    from vikno.feedback.models import FeedbackRequest, Rating
    from vikno.notifications.services import notifications_suppressed

    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    moment = clock.now().replace(microsecond=0)
    now_s = moment.timestamp()
    with transaction.atomic(), notifications_suppressed():
        reference = loader.load_reference()
        bench = _bench_users(reference)
    operator_id = bench["operator"].pk
    executors = {org_id: user.pk for org_id, user in reference.executors.items()}

    pool = _text_pool(reference, rng, max(200, min(6000, size // 50)), moment)
    has_search = _search_documents(pool)
    appeal_fields = [f.attname for f in Appeal._meta.concrete_fields]
    with_document = has_search and "search_document" in appeal_fields

    writer = Writer(connection)
    ts = writer.ts
    applicant_table = Table(
        Applicant,
        [
            "id",
            "kind",
            "name",
            "phone",
            "email",
            "address",
            "consent_at",
            "is_privileged",
            "privilege_note",
            "created_at",
        ],
        connection,
    )
    appeal_columns = [
        "id",
        "number",
        "tracking_token",
        "applicant_id",
        "kind",
        "channel",
        "category_id",
        "territory_id",
        "address",
        "address_key",
        "latitude",
        "longitude",
        "text",
        "priority",
        "status",
        "outcome",
        "rejection_reason",
        "term",
        "received_at",
        "due_at",
        "closed_at",
        "executor_id",
        "answer",
        "answered_at",
        "parent_id",
        "created_by_id",
        "updated_at",
    ]
    if with_document:
        appeal_columns.append("search_document")
    appeal_table = Table(Appeal, appeal_columns, connection)
    assignment_table = Table(
        Assignment,
        [
            "id",
            "appeal_id",
            "assigned_by_id",
            "organization_id",
            "role",
            "state",
            "due_at",
            "report",
            "created_at",
            "accepted_at",
            "executed_at",
        ],
        connection,
    )
    event_table = Table(
        AppealEvent,
        [
            "appeal_id",
            "kind",
            "actor_id",
            "actor_label",
            "created_at",
            "from_status",
            "to_status",
            "comment",
            "data",
        ],
        connection,
    )
    rating_table = Table(Rating, ["appeal_id", "score", "created_at"], connection)
    feedback_table = Table(
        FeedbackRequest,
        ["appeal_id", "token", "created_at", "answered_at", "confirmed"],
        connection,
    )
    json_empty = "{}"

    # Applicants: a pool half the size of the appeals (people write more than once).
    n_applicants = max(10, size // 2)
    person_rng = random.Random(seed + 1)  # noqa: S311
    people_pool = [loader.random_person(person_rng) for _ in range(min(5000, n_applicants))]
    first_applicant_id = 1
    with transaction.atomic():
        chunk: list[tuple] = []
        for index in range(n_applicants):
            person = people_pool[index % len(people_pool)]
            phone = person.phone
            if phone:
                phone = f"{phone[:-7]}{(index * 7919) % 10_000_000:07d}"
            created = now_s - 400 * DAY + index * (365 * DAY / n_applicants)
            chunk.append(
                (
                    first_applicant_id + index,
                    person.kind,
                    person.name,
                    phone,
                    person.email,
                    person.address,
                    ts(created),
                    person.is_privileged,
                    person.privilege_note,
                    ts(created),
                    *applicant_table.tail,
                )
            )
            if len(chunk) >= 50_000:
                writer.write(applicant_table.name, applicant_table.columns, chunk)
                chunk = []
        writer.write(applicant_table.name, applicant_table.columns, chunk)
    privileged = {
        first_applicant_id + i
        for i in range(n_applicants)
        if people_pool[i % len(people_pool)].is_privileged
    }

    kyiv = ZoneInfo("Europe/Kyiv")
    year_now = moment.astimezone(kyiv).year
    new_year = datetime(year_now, 1, 1, tzinfo=kyiv).timestamp()
    counters = {year_now - 1: 0, year_now: 0}
    status_pick = _weighted(rng, OPEN_STATUS_WEIGHTS)
    channel_pick = _weighted(rng, CHANNEL_WEIGHTS)
    score_pick = _weighted(rng, SCORE_WEIGHTS)
    labels = {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(pk__in=[operator_id, *executors.values()])
    }
    operator_label = labels[operator_id]

    start_s = now_s - 365 * DAY
    step = 365 * DAY / size
    made = {"appeals": 0, "events": 0, "assignments": 0, "ratings": 0, "feedback": 0}
    counts = {"open": 0, "overdue": 0, "due_soon": 0}
    assignment_id = 0
    chunk_size = 20_000
    random_ = rng.random
    uniform = rng.uniform
    choice = rng.choice
    for chunk_start in range(0, size, chunk_size):
        appeals: list[tuple] = []
        events: list[tuple] = []
        assignments: list[tuple] = []
        ratings: list[tuple] = []
        feedback: list[tuple] = []
        for i in range(chunk_start, min(size, chunk_start + chunk_size)):
            appeal_id = i + 1
            received = start_s + i * step + random_() * step * 0.9
            variant = choice(pool)
            profile = variant.profile
            roll = random_()
            if profile == "service":
                kind = "service_request" if roll < 0.85 else "complaint"
            elif profile == "citizen":
                kind = "application" if roll < 0.6 else "complaint" if roll < 0.85 else "proposal"
            else:
                kind = "application"
            if kind == "service_request" and variant.hours:
                term = "service_level"
                term_s = variant.hours * HOUR
            elif variant.term_kind == "short":
                term = "short"
                term_s = 15 * DAY
            else:
                term = "standard"
                term_s = 30 * DAY
            age = (now_s - received) / (365 * DAY)
            is_open = random_() < 2 * open_share * (1 - age)
            executor_id = None
            closed_at = None
            answered_at = None
            answer = ""
            outcome = ""
            rejection = ""
            parent_id = None
            assignment_state = None
            workable = variant.executor_id is not None and not variant.executor_external
            if is_open:
                counts["open"] += 1
                status = choice(status_pick)
                if not workable and status not in ("registered", "preprocessed"):
                    status = "preprocessed"
                band = random_()
                if band < 0.125:
                    due = max(received + HOUR, now_s - uniform(HOUR, 20 * DAY))
                    counts["overdue"] += due < now_s
                    counts["due_soon"] += due >= now_s
                elif band < 0.25:
                    due = now_s + uniform(HOUR, 72 * HOUR)
                    counts["due_soon"] += 1
                else:
                    due = now_s + uniform(4 * DAY, 45 * DAY)
                if status in ASSIGNMENT_STATE:
                    assignment_state = ASSIGNMENT_STATE[status]
                    executor_id = variant.executor_id if status != "returned" else None
            else:
                due = received + term_s
                closed_at = min(received + term_s * uniform(0.05, 1.15), now_s - 60)
                closed_at = max(closed_at, received + 60)
                answered_at = closed_at
                roll = random_()
                if variant.executor_external:
                    status, outcome = "forwarded_out", "forwarded_out"
                    answer = FORWARDED_OUT_ANSWER
                elif roll < 0.05:
                    status, outcome = "rejected", "rejected"
                    rejection = choice(("repeated", "incomplete", "no_competence"))
                    answer = "Звернення залишено без розгляду з підстав, визначених законом."
                elif roll < 0.08 and i > 500:
                    status, outcome = "merged", "merged"
                    parent_id = appeal_id - 1 - int(random_() * 400)
                    answered_at = None
                elif not workable or profile == "consult" or roll < 0.2:
                    status, outcome = "closed", "consulted"
                    answer = "Заявнику надано роз'яснення під час звернення."
                else:
                    status, outcome = "closed", "resolved"
                    executor_id = variant.executor_id
                    assignment_state = "executed"
                    answer = variant.done
            # The number of the receiving year, gap-free within it.
            year = year_now if received >= new_year else year_now - 1
            counters[year] += 1
            number = f"{year}-{counters[year]:07d}"
            applicant_id = None
            if random_() < 0.9:
                applicant_id = first_applicant_id + int(random_() * n_applicants)
            priority = 2 if random_() < 0.03 else 1 if applicant_id in privileged else 0
            channel = choice(channel_pick)

            # History, and the lead assignment when the appeal reached an executor.
            events.append(
                (
                    appeal_id,
                    "registered",
                    operator_id,
                    operator_label,
                    ts(received),
                    "",
                    "registered",
                    "",
                    json.dumps({"due_at": datetime.fromtimestamp(due, UTC).isoformat()}),
                    *event_table.tail,
                )
            )
            last = received
            if status != "registered":
                last = min(received + 300, (closed_at or now_s) - 30)
                events.append(
                    (
                        appeal_id,
                        "preprocessed",
                        operator_id,
                        operator_label,
                        ts(last),
                        "registered",
                        "preprocessed",
                        "",
                        json_empty,
                        *event_table.tail,
                    )
                )
            if assignment_state is not None:
                org_id = variant.executor_id
                executor_user = executors.get(org_id)
                executor_label = labels.get(executor_user, "")
                # Every step inside the appeal's life: before its closing (or now) and
                # the forwarding before its term.
                end = closed_at if closed_at is not None else now_s
                assigned = last + (min(end, due) - last) * uniform(0.02, 0.2)
                assignment_id += 1
                events.append(
                    (
                        appeal_id,
                        "forwarded",
                        operator_id,
                        operator_label,
                        ts(assigned),
                        "preprocessed",
                        "forwarded",
                        "",
                        json.dumps({"organization": org_id}),
                        *event_table.tail,
                    )
                )
                accepted_at = executed_at = None
                t = assigned
                steps = []
                if assignment_state == "returned":
                    steps = [("returned", "forwarded", "returned")]
                else:
                    if assignment_state in ("accepted", "in_work", "executed"):
                        steps.append(("accepted", "forwarded", "accepted"))
                    if assignment_state in ("in_work", "executed"):
                        steps.append(("work_started", "accepted", "in_work"))
                    if assignment_state == "executed":
                        steps.append(("executed", "in_work", "executed"))
                for kind_, from_, to_ in steps:
                    t += (end - t) * uniform(0.05, 0.4)
                    if kind_ == "accepted":
                        accepted_at = t
                    elif kind_ == "executed":
                        executed_at = t
                    events.append(
                        (
                            appeal_id,
                            kind_,
                            executor_user,
                            executor_label,
                            ts(t),
                            from_,
                            to_,
                            "",
                            json_empty,
                            *event_table.tail,
                        )
                    )
                if status == "executed":
                    answered_at = executed_at
                    answer = variant.done
                assignments.append(
                    (
                        assignment_id,
                        appeal_id,
                        operator_id,
                        org_id,
                        "lead",
                        assignment_state,
                        ts(due),
                        variant.done if executed_at else "",
                        ts(assigned),
                        ts(accepted_at) if accepted_at else None,
                        ts(executed_at) if executed_at else None,
                        *assignment_table.tail,
                    )
                )
                last = t
            if closed_at is not None:
                final_kind = {
                    "resolved": "confirmed",
                    "consulted": "answered_on_spot",
                    "forwarded_out": "forwarded_out",
                    "rejected": "rejected",
                    "merged": "merged",
                }[outcome]
                from_status = "executed" if outcome == "resolved" else "preprocessed"
                events.append(
                    (
                        appeal_id,
                        final_kind,
                        operator_id,
                        operator_label,
                        ts(closed_at),
                        from_status,
                        status,
                        "",
                        json_empty,
                        *event_table.tail,
                    )
                )
                last = closed_at
                if outcome == "resolved" and applicant_id is not None:
                    if random_() < 0.6:
                        answered = random_() < 0.5
                        feedback.append(
                            (
                                appeal_id,
                                f"{rng.getrandbits(96):024x}",
                                ts(closed_at),
                                ts(min(closed_at + uniform(HOUR, 3 * DAY), now_s))
                                if answered
                                else None,
                                random_() < 0.8 if answered else None,
                                *feedback_table.tail,
                            )
                        )
                    if random_() < 0.35:
                        ratings.append(
                            (
                                appeal_id,
                                choice(score_pick),
                                ts(min(closed_at + uniform(HOUR, 3 * DAY), now_s)),
                                *rating_table.tail,
                            )
                        )
            row = (
                appeal_id,
                number,
                f"{rng.getrandbits(128):032x}",
                applicant_id,
                kind,
                channel,
                variant.category_id,
                variant.territory_id,
                variant.address,
                variant.address_key,
                variant.latitude,
                variant.longitude,
                variant.text,
                priority,
                status,
                outcome,
                rejection,
                term,
                ts(received),
                ts(due),
                ts(closed_at) if closed_at is not None else None,
                executor_id,
                answer,
                ts(answered_at) if answered_at is not None else None,
                parent_id,
                operator_id,
                ts(last),
            )
            if with_document:
                row += (variant.search_document,)
            appeals.append(row + appeal_table.tail)
        with transaction.atomic():
            writer.write(appeal_table.name, appeal_table.columns, appeals)
            writer.write(assignment_table.name, assignment_table.columns, assignments)
            writer.write(event_table.name, event_table.columns, events)
            writer.write(rating_table.name, rating_table.columns, ratings)
            writer.write(feedback_table.name, feedback_table.columns, feedback)
        made["appeals"] += len(appeals)
        made["events"] += len(events)
        made["assignments"] += len(assignments)
        made["ratings"] += len(ratings)
        made["feedback"] += len(feedback)
    loaded = time.perf_counter() - started

    # What the raw insert bypassed.
    with transaction.atomic():
        for year, last_number in counters.items():
            if last_number:
                NumberSequence.objects.update_or_create(year=year, defaults={"last": last_number})
    _reset_sequences(
        connection, [Applicant, Appeal, Assignment, AppealEvent, Rating, FeedbackRequest]
    )
    search_rebuilt = _rebuild_search_index()
    from vikno.statistics.services import tallies_rebuild

    tally_days = tallies_rebuild()
    _analyze(connection)
    summary = {
        "size": size,
        "seed": seed,
        "moment": moment.isoformat(),
        "made": made,
        "applicants": n_applicants,
        "open": counts["open"],
        "overdue": counts["overdue"],
        "due_soon": counts["due_soon"],
        "search_document": with_document,
        "search_index_rebuilt": search_rebuilt,
        "tally_days": tally_days,
        "load_seconds": round(loaded, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
        "operator_id": operator_id,
        "executor_id": bench["executor"].pk,
        "api_key": bench["api_key"],
    }
    return summary


def _reset_sequences(connection, models: Iterable) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _rebuild_search_index() -> bool:
    try:
        from vikno.appeals.search import rebuild_index  # type: ignore[import-not-found]
    except ImportError:
        return False
    rebuild_index()
    return True


def _analyze(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM cannot run in a transaction: Django's autocommit is on here.
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def run(*, size: int, var_dir: Path, seed: int = 20260601) -> dict:
    """Reset the database, migrate, generate; write var_dir/generated.json and return it."""
    from django.core.management import call_command
    from django.db import connection

    _reset_database(connection.vendor)
    call_command("migrate", verbosity=0, interactive=False)
    summary = generate(size=size, seed=seed)
    (var_dir / "generated.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary
