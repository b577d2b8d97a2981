"""Load the demo city: reference data, staff, an API key and a year of appeals.

Appeals are not inserted: each one lives its life through the service functions of
vikno.appeals.services, every step at its own past moment (`clock.travel`). The lives of
all appeals are interleaved in time order by a small discrete-event simulation, so that an
appeal merged into another finds it still open, and a repeated one finds the earlier
appeal already decided — as they would have in a real year.

Each appeal's life is a generator: it yields the moment of its next step, and the code
after the `yield` runs at that moment. A step planned after "now" never happens, so recent
appeals are found in the middle of their lives. All choices come from seeded
`random.Random` objects, so two loads at the same hour give the same appeals.

The whole load is one transaction: the services' own atomic blocks become savepoints, the
database commits once (fast on SQLite), and an interrupted load leaves nothing behind, so
"already loaded" always means "completely loaded".
"""

import hashlib
import heapq
import random
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from vikno.accounts.models import Role, User
from vikno.accounts.services import apikey_create
from vikno.appeals import services
from vikno.appeals.choices import (
    Channel,
    Kind,
    RejectionReason,
    Status,
)
from vikno.appeals.models import Appeal
from vikno.appeals.services import ApplicantData, Preprocessing
from vikno.core.clock import end_of_local_day, local_date, now, travel
from vikno.core.deadlines import Term
from vikno.demo import data
from vikno.notifications.services import notifications_suppressed
from vikno.reference.models import (
    Category,
    Organization,
    OrganizationKind,
    RoutingRule,
    Territory,
    TerritoryKind,
)
from vikno.reference.selectors import route_for

Life = Generator[datetime, None, None]


class AlreadyLoaded(Exception):
    pass


# --- reference data -----------------------------------------------------------------------


@dataclass
class Reference:
    organizations: dict[str, Organization]
    districts: dict[str, Territory]
    settlements: dict[str, Territory]
    leaves: dict[str, tuple[data.Leaf, Category]]
    users: dict[str, User]
    executors: dict[int, User]  # organization id → its executor
    api_user: User
    api_key: str


def is_loaded() -> bool:
    return Organization.objects.filter(code=data.MARKER_ORGANIZATION).exists()


def load_reference() -> Reference:
    organizations: dict[str, Organization] = {}
    for org in data.ORGANIZATIONS:
        organizations[org.code] = Organization.objects.create(
            code=org.code,
            name=org.name,
            short_name=org.short_name,
            kind=org.kind,
            parent=organizations[org.parent] if org.parent else None,
            phone=org.phone,
            email=org.email,
            address=org.address,
            website=org.website,
            schedule=org.schedule,
        )

    hromada = Territory.objects.create(
        code=data.HROMADA_CODE, name=data.HROMADA_NAME, kind=TerritoryKind.HROMADA
    )
    districts: dict[str, Territory] = {}
    settlements: dict[str, Territory] = {}
    for district in data.DISTRICTS:
        districts[district.code] = Territory.objects.create(
            code=district.code, name=district.name, kind=district.kind, parent=hromada
        )
        for code, name, _streets in district.settlements:
            settlements[code] = Territory.objects.create(
                code=code, name=name, kind=TerritoryKind.SETTLEMENT, parent=districts[district.code]
            )

    categories: dict[str, Category] = {}
    leaves: dict[str, tuple[data.Leaf, Category]] = {}

    def add(nodes: list, parent: Category | None) -> None:
        for position, node in enumerate(nodes, start=1):
            is_leaf = isinstance(node, data.Leaf)
            category = Category.objects.create(
                code=node.code,
                name=node.name,
                parent=parent,
                position=position,
                term=node.term if is_leaf else Term.STANDARD,
                service_level_hours=node.hours if is_leaf else None,
                default_executor=organizations[node.executor]
                if is_leaf and node.executor
                else None,
            )
            categories[node.code] = category
            if is_leaf:
                leaves[node.code] = (node, category)
            else:
                add(node.children, category)

    add(data.CATEGORIES, None)
    for category_code, territory_code, org_code in data.ROUTES:
        RoutingRule.objects.create(
            category=categories[category_code],
            territory=districts.get(territory_code) or settlements[territory_code],
            organization=organizations[org_code],
        )

    # One hash for all demo accounts: hashing is slow on purpose, and these share a password.
    password = make_password(data.DEMO_PASSWORD)
    users: dict[str, User] = {}
    staff = list(data.STAFF) + [
        data.Staff(f"executor.{suffix}", first, last, Role.EXECUTOR, org_code)
        for org_code, (suffix, first, last) in data.EXECUTOR_NAMES.items()
    ]
    for person in staff:
        users[person.username] = User.objects.create(
            username=person.username,
            first_name=person.first_name,
            last_name=person.last_name,
            email=f"{person.username}@vyknopil.example",
            role=person.role,
            organization=organizations[person.organization] if person.organization else None,
            is_staff=person.is_staff,
            is_superuser=person.is_superuser,
            is_demo=True,
            password=password,
        )
    executors = {
        user.organization_id: user for user in users.values() if user.role == Role.EXECUTOR
    }
    key, plain = apikey_create(
        name=data.DEMO_API_KEY_NAME,
        role=Role.ADMINISTRATOR,  # the README walks an appeal through every transition
        is_demo=True,
        secret=data.DEMO_API_KEY_SECRET,
        prefix=data.DEMO_API_KEY_PREFIX,
    )
    return Reference(
        organizations=organizations,
        districts=districts,
        settlements=settlements,
        leaves=leaves,
        users=users,
        executors=executors,
        api_user=key.user,
        api_key=plain,
    )


def demo_api_key() -> str:
    """The demo key's plain text: it is fixed, so it can be printed again later."""
    return f"vk_{data.DEMO_API_KEY_PREFIX}_{data.DEMO_API_KEY_SECRET}"


# Supervisors and administrators must confirm each sign-in with TOTP. The demo ones share
# this fixed, published secret, so the demo stays usable: add it to any authenticator app
# (or `python -c "import pyotp; print(pyotp.TOTP('VIKNODEMOTOTP2FAVIKNODEMOTOTP2FA').now())"`).
DEMO_TOTP_SECRET = "VIKNODEMOTOTP2FAVIKNODEMOTOTP2FA"  # noqa: S105 - demo only, needs DEBUG


def give_demo_totp(users) -> list[User]:
    """Give the demo accounts that must use two-factor sign-in the demo TOTP secret."""
    from allauth.mfa.totp.internal.auth import TOTP

    from vikno.accounts.twofactor import has_totp, two_factor_required

    given = []
    for user in users:
        if user.is_demo and two_factor_required(user) and not has_totp(user):
            TOTP.activate(user, DEMO_TOTP_SECRET)
            given.append(user)
    return given


def demo_totp_uri(username: str) -> str:
    from urllib.parse import quote

    issuer = settings.MFA_TOTP_ISSUER
    return (
        f"otpauth://totp/{quote(issuer)}:{quote(username)}"
        f"?secret={DEMO_TOTP_SECRET}&issuer={quote(issuer)}"
    )


def demo_totp_lines(users) -> list[str]:
    if not users:
        return []
    names = ", ".join(user.username for user in users)
    return [
        f"Two-factor sign-in of {names}: TOTP secret {DEMO_TOTP_SECRET}",
        *(f"  {user.username}: {demo_totp_uri(user.username)}" for user in users),
    ]


def sign_ins() -> list[tuple[str, str, str, str]]:
    """(username, password, role, organization) of every demo account that can sign in."""
    rows = []
    for user in (
        User.objects.filter(is_demo=True, is_service_account=False)
        .select_related("organization")
        .order_by("id")
    ):
        organization = user.organization.short_name if user.organization else "—"
        rows.append((user.username, data.DEMO_PASSWORD, user.role, organization))
    return rows


# --- people and places -----------------------------------------------------------------------


_TRANSLIT = dict(
    zip(
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'",
        [
            "a",
            "b",
            "v",
            "h",
            "g",
            "d",
            "e",
            "ie",
            "zh",
            "z",
            "y",
            "i",
            "i",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "iu",
            "ia",
            "_",
        ],
        strict=True,
    )
)


def translit(text: str) -> str:
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower()).replace("_", "")


@dataclass(frozen=True)
class Place:
    district: str
    settlement: str | None
    street: str
    number: str
    latitude: float
    longitude: float

    @property
    def address(self) -> str:
        where = f"{self.street}, {self.number}"
        return f"{where}, {self.settlement_name}" if self.settlement else where

    @property
    def settlement_name(self) -> str:
        for district in data.DISTRICTS:
            for code, name, _streets in district.settlements:
                if code == self.settlement:
                    return name
        return ""

    @property
    def street_phrase(self) -> str:
        return f"{self.street} у {self.settlement_name}" if self.settlement else self.street


def random_place(rng: random.Random) -> Place:
    district = rng.choices(data.DISTRICTS, weights=[30, 25, 20, 17, 8])[0]
    settlement = None
    if district.settlements:
        settlement, _name, streets = rng.choice(district.settlements)
    else:
        streets = district.streets
    number = str(rng.choice([rng.randint(1, 30), rng.randint(1, 120)]))
    if rng.random() < 0.1:
        number += rng.choice("АБВ")
    lat, lon = district.center
    return Place(
        district=district.code,
        settlement=settlement,
        street=rng.choice(streets),
        number=number,
        latitude=round(lat + rng.uniform(-0.012, 0.012), 6),
        longitude=round(lon + rng.uniform(-0.018, 0.018), 6),
    )


def random_person(rng: random.Random, *, with_address: bool = True) -> ApplicantData:
    female = rng.random() < 0.58
    first = rng.choice(data.FEMALE_NAMES if female else data.MALE_NAMES)
    father = rng.choice(data.FATHERS)
    patronymic = father[2] if female else father[1]
    if rng.random() < 0.2:
        male_form, female_form = rng.choice(data.SURNAMES_GENDERED)
        surname = female_form if female else male_form
    else:
        surname = rng.choice(data.SURNAMES)
    phone = ""
    if rng.random() < 0.93:
        phone = f"+380{rng.choice(data.MOBILE_CODES)}{rng.randint(0, 9999999):07d}"
    email = ""
    if rng.random() < 0.4 or not phone:
        login = f"{translit(first)[:1]}.{translit(surname)}{rng.randint(1, 99)}"
        email = f"{login}@{rng.choice(data.MAIL_DOMAINS)}"
    home = random_place(rng)
    address = ""
    if with_address:
        flat = f", кв. {rng.randint(1, 140)}" if rng.random() < 0.7 and not home.settlement else ""
        address = f"м. {data.CITY}, {home.address}{flat}" if not home.settlement else home.address
    privileged = rng.random() < 0.08
    return ApplicantData(
        kind="citizen",
        name=f"{surname} {first} {patronymic}",
        phone=phone,
        email=email,
        address=address,
        consent=True,
        is_privileged=privileged,
        privilege_note=rng.choice(data.PRIVILEGES) if privileged else "",
    )


def company(rng: random.Random) -> ApplicantData:
    index = rng.randrange(len(data.COMPANIES))
    kind, name = data.COMPANIES[index]
    return ApplicantData(
        kind=kind,
        name=name,
        phone=f"+38000500{index + 60:02d}{index:02d}",
        email=f"office{index + 1}@vyknopil-biz.example",
        address=f"м. {data.CITY}, вул. Промислова, {10 + index}",
        consent=True,
    )


# Grammar of the templates: a bare address reads well after "за адресою" or as a heading;
# after "будинку" or "біля" it needs the house number first.
_HOUSE_PATTERNS = [
    (re.compile(r"(будинку|будинком) \{addr\}"), r"\1 № {num} на {street}"),
    (re.compile(r"(Біля|біля|дворі) \{addr\}"), r"\1 будинку № {num} на {street}"),
]


def render(
    template: str, rng: random.Random, place: Place, received: datetime, *, again: bool = False
) -> str:
    for pattern, replacement in _HOUSE_PATTERNS:
        template = pattern.sub(replacement, template)
    month = data.MONTHS[(local_date(received).month - 2) % 12]  # the month before
    values = {
        "addr": place.address,
        "num": place.number,
        "street": place.street_phrase,
        "since": rng.choice(data.SINCE),
        "hours": rng.randint(3, 30),
        "days": rng.randint(2, 4),
        "temp": rng.randint(11, 16),
        "entrance": rng.randint(1, 6),
        "month": month,
        "route": rng.randint(1, 32),
        "school": rng.randint(1, 35),
        "kindergarten": rng.randint(1, 60),
        "clinic": rng.randint(1, 8),
        "volume": rng.randint(2, 15),
    }
    body = template.format(**values)
    opening = rng.choice(data.OPENINGS)
    closing = rng.choice(data.CLOSINGS)
    if again:
        opening = f"{opening}Звертаюся повторно. "
    return f"{opening}{body[0].upper()}{body[1:]} {closing}".strip()


# --- the plan of one appeal -------------------------------------------------------------------

RESOLVED = "resolved"
CONSULTED = "consulted"
FORWARDED_OUT = "forwarded_out"
ANONYMOUS = "anonymous"
INCOMPLETE = "incomplete"
REPEATED = "repeated"
NO_COMPETENCE = "no_competence"
MERGED = "merged"

FATES_BY_PROFILE: dict[str, dict[str, float]] = {
    data.SERVICE: {
        RESOLVED: 84,
        CONSULTED: 2,
        MERGED: 6,
        ANONYMOUS: 2.5,
        REPEATED: 2,
        INCOMPLETE: 0.5,
        NO_COMPETENCE: 1,
        FORWARDED_OUT: 0.5,
    },
    data.CITIZEN: {
        RESOLVED: 76,
        CONSULTED: 7,
        MERGED: 1,
        ANONYMOUS: 3,
        REPEATED: 4,
        INCOMPLETE: 3,
        NO_COMPETENCE: 2,
        FORWARDED_OUT: 3,
    },
    data.CONSULT: {
        RESOLVED: 16,
        CONSULTED: 78,
        ANONYMOUS: 2,
        INCOMPLETE: 2,
        REPEATED: 1,
        FORWARDED_OUT: 1,
    },
    data.OUTSIDE: {FORWARDED_OUT: 84, CONSULTED: 8, ANONYMOUS: 4, INCOMPLETE: 3, REPEATED: 1},
}
CHANNELS = {
    Channel.PHONE: 46,
    Channel.WEB: 19,
    Channel.CHAT: 8,
    Channel.EMAIL: 8,
    Channel.IN_PERSON: 7,
    Channel.UPSTREAM: 7,
    Channel.API: 3,
    Channel.OPEN311: 2,
}
# Steps after which an appeal that stalls stays: the status it is left in.
STALL_STEPS = {
    Status.REGISTERED: 1,
    Status.PREPROCESSED: 2,
    Status.FORWARDED: 3,
    Status.ACCEPTED: 4,
    Status.IN_WORK: 5,
    Status.EXECUTED: 6,
}


@dataclass
class Plan:
    index: int
    rng: random.Random
    received_at: datetime
    leaf: data.Leaf
    fate: str
    channel: str
    person: ApplicantData | None
    stall_at: int | None = None  # the number of steps after which the appeal is left
    wrong_route: bool = False  # forwarded first to an organization that returns it
    extend: bool = False
    not_confirmed: bool = False
    reopen: bool = False
    co_executor: bool = False
    urgent: bool = False
    returned_left: bool = False  # left returned, waiting to be re-routed
    steps: int = 1  # registration is the first
    appeal: Appeal | None = None
    place: Place | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class Pools:
    """Appeals other appeals can refer to, as they stand at the simulated moment."""

    open_with_address: list[tuple[Plan, Appeal]] = field(default_factory=list)
    resolved: list[tuple[Plan, Appeal]] = field(default_factory=list)


# Appeals whose fates are fixed, so that even a small load has every status.
# Open ones are city-service requests with service levels chosen so that some are overdue
# and some due soon.
SHOWCASE: list[tuple[str, str | None, float, str | None]] = [
    # (fate, status it is left in, days before now it was received, category)
    (RESOLVED, Status.REGISTERED, 0.05, "garbage-not-collected"),
    (RESOLVED, Status.PREPROCESSED, 0.4, "street-light-broken"),
    (RESOLVED, Status.FORWARDED, 1.2, "lift-broken"),
    (RESOLVED, Status.ACCEPTED, 2.5, "no-hot-water"),
    (RESOLVED, Status.IN_WORK, 2.0, "roof-leak"),
    (RESOLVED, Status.EXECUTED, 4.5, "no-cold-water"),
    (NO_COMPETENCE, Status.RETURNED, 2.8, "entrance-no-light"),
    (MERGED, None, 1.0, None),
    (REPEATED, None, 6.0, None),
    (ANONYMOUS, None, 7.0, None),
    (INCOMPLETE, None, 8.0, None),
    (NO_COMPETENCE, None, 20.0, None),
    (FORWARDED_OUT, None, 9.0, None),
    (CONSULTED, None, 10.0, None),
    (RESOLVED, None, 30.0, "greening-proposal"),
]


class Simulation:
    def __init__(
        self,
        ref: Reference,
        *,
        count: int,
        end: datetime,
        seed: int = data.SEED,
        log: Callable[[str], None] = lambda _msg: None,
    ) -> None:
        self.ref = ref
        self.count = count
        self.end = end
        self.seed = seed
        self.log = log
        self.pools = Pools()
        self.routes: dict[tuple[int, int | None], Organization | None] = {}
        self.operators = [ref.users["operator"], ref.users["operator2"]]
        self.supervisor = ref.users["supervisor"]
        self.internal_executors = [
            org
            for org in ref.organizations.values()
            if org.kind == OrganizationKind.UTILITY and org.pk in ref.executors
        ]

    # -- planning --

    def plans(self) -> list[Plan]:
        rng = random.Random(self.seed)
        start = self.end - timedelta(days=365)
        moments: list[tuple[datetime, int | None]] = []
        showcase = SHOWCASE[: self.count]
        for number, (_fate, _status, days_ago, _leaf) in enumerate(showcase):
            moments.append((self.end - timedelta(days=days_ago, minutes=7 * number), number))
        for _ in range(self.count - len(showcase)):
            # A little more each month (the line gets known), busier in the daytime.
            day = 365 * (rng.random() ** 0.85)
            moment = start + timedelta(days=day)
            local = timezone.localtime(moment)
            hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
            moment = local.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
            if moment >= self.end - timedelta(days=0.05):
                moment -= timedelta(days=1)
            moments.append((moment, None))
        moments.sort(key=lambda item: (item[0], -1 if item[1] is None else item[1]))

        leaves = [leaf for leaf, _category in self.ref.leaves.values()]
        people: list[ApplicantData] = []
        plans = []
        for index, (moment, showcase_index) in enumerate(moments):
            month = local_date(moment).month
            weights = [
                leaf.weight * (3.0 if month in leaf.season else 0.25 if leaf.season else 1.0)
                for leaf in leaves
            ]
            own = random.Random(f"{self.seed}:{index}")
            if showcase_index is not None:
                fate, status, _days, leaf_code = showcase[showcase_index]
                profile = {
                    FORWARDED_OUT: data.OUTSIDE,
                    CONSULTED: data.CONSULT,
                    INCOMPLETE: data.CITIZEN,
                    REPEATED: data.SERVICE,
                }.get(fate, data.SERVICE)
                leaf = rng.choice([leaf for leaf in leaves if leaf.profile == profile])
                if leaf_code is not None:
                    leaf = self.ref.leaves[leaf_code][0]
                stall = STALL_STEPS.get(status, 3) if status is not None else None
            else:
                leaf = rng.choices(leaves, weights=weights)[0]
                fates = FATES_BY_PROFILE[leaf.profile]
                fate = rng.choices(list(fates), weights=list(fates.values()))[0]
                stall = rng.choice(list(STALL_STEPS.values())) if rng.random() < 0.025 else None
            channel = rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0]
            if fate == ANONYMOUS:
                channel = rng.choice([Channel.WEB, Channel.PHONE, Channel.CHAT])
            if fate in (INCOMPLETE, REPEATED) and channel == Channel.WEB:
                channel = Channel.EMAIL
            person: ApplicantData | None
            if fate == ANONYMOUS:
                person = None
                if channel == Channel.PHONE:
                    person = ApplicantData(phone=random_person(own).phone or "+380001234567")
            elif fate == INCOMPLETE:
                person = random_person(own, with_address=False)
            elif rng.random() < 0.04:
                person = company(own)
            elif people and rng.random() < 0.28:
                # Some people write again and again; a few of them very often.
                person = people[min(int(len(people) * rng.random() ** 1.6), len(people) - 1)]
            else:
                person = random_person(own)
                people.append(person)
            if person is not None and channel == Channel.WEB:
                person = replace(person, consent=True)
            plan = Plan(
                index=index,
                rng=own,
                received_at=moment,
                leaf=leaf,
                fate=fate,
                channel=channel,
                person=person,
                stall_at=stall,
            )
            if showcase_index is not None and stall is not None:
                plan.extra["kind"] = Kind.SERVICE_REQUEST
            if fate == NO_COMPETENCE and showcase_index is not None and stall is not None:
                plan.returned_left = True
                plan.stall_at = None
            if fate == RESOLVED and showcase_index is None:
                plan.wrong_route = rng.random() < 0.06
                plan.extend = leaf.term == Term.STANDARD and not leaf.hours and rng.random() < 0.1
                plan.not_confirmed = rng.random() < 0.05
                plan.reopen = rng.random() < 0.02
                plan.co_executor = rng.random() < 0.04
                plan.urgent = bool(leaf.hours and leaf.hours <= 12 and rng.random() < 0.05)
            plans.append(plan)
        return plans

    # -- running --

    def run(self) -> int:
        heap: list[tuple[datetime, int, Life]] = []
        sequence = 0
        for plan in self.plans():
            life = self.life(plan)
            heap.append((plan.received_at, sequence, life))
            sequence += 1
        heapq.heapify(heap)
        done = 0
        while heap:
            moment, _seq, life = heapq.heappop(heap)
            with travel(moment):
                following = next(life, None)
            done += 1
            if following is not None and following <= self.end:
                if following < moment:
                    raise AssertionError(f"appeal #{_seq}: a step planned before the previous one")
                heapq.heappush(heap, (following, sequence, life))
                sequence += 1
            if done % 5000 == 0:
                self.log(f"  … {done} steps")
        return done

    # -- timing helpers --

    def later(
        self, plan: Plan, moment: datetime, hours: float, *, office: bool = False
    ) -> datetime:
        """The moment of the plan's next step, or a moment past the end when it stalls."""
        plan.steps += 1
        if plan.stall_at is not None and plan.steps > plan.stall_at:
            return self.end + timedelta(days=1)
        following = moment + timedelta(hours=max(hours, 0.02))
        if office:
            following = office_hours(following, plan.rng)
        return following

    def serves_round_the_clock(self, plan: Plan) -> bool:
        return bool(plan.leaf.hours and plan.leaf.hours <= 24)

    # -- a life --

    def life(self, plan: Plan) -> Life:
        # The first step runs at the moment the scheduler was given: the receipt.
        rng = plan.rng
        appeal = self.register(plan)
        t = plan.received_at
        svc = bool(plan.leaf.hours) and appeal.kind == Kind.SERVICE_REQUEST
        operator = rng.choice(self.operators)

        if plan.fate == CONSULTED and plan.channel in (
            Channel.PHONE,
            Channel.IN_PERSON,
            Channel.CHAT,
        ):
            t = self.later(plan, t, rng.uniform(0.03, 0.2))
            yield t
            services.appeal_answer_on_spot(actor=operator, appeal=appeal, answer=self.consult(plan))
            return

        t = self.later(plan, t, rng.uniform(0.05, 0.6) if svc else rng.uniform(0.2, 20))
        yield t
        if plan.fate == INCOMPLETE:
            services.appeal_reject(
                actor=operator,
                appeal=appeal,
                reason=RejectionReason.INCOMPLETE,
                comment=rng.choice(data.INCOMPLETE_COMMENTS),
            )
            return
        changes = None
        if appeal.territory_id is None and plan.place is not None:
            changes = Preprocessing(territory=self.territory_of(plan.place))
        appeal = services.appeal_preprocess(actor=operator, appeal=appeal, changes=changes)
        if appeal.status == Status.REJECTED:  # anonymous: not considered
            return
        if plan.fate == CONSULTED:
            t = self.later(plan, t, rng.uniform(0.1, 6))
            yield t
            services.appeal_answer_on_spot(actor=operator, appeal=appeal, answer=self.consult(plan))
            return
        if plan.fate == REPEATED and plan.extra.get("earlier") is not None:
            earlier = plan.extra["earlier"]
            t = self.later(plan, t, rng.uniform(0.1, 8))
            yield t
            earlier.refresh_from_db(fields=["status"])
            if earlier.status == Status.CLOSED:
                services.appeal_reject(
                    actor=operator,
                    appeal=appeal,
                    reason=RejectionReason.REPEATED,
                    repeated_of=earlier,
                    comment="Питання вже розглянуто, нових обставин не наведено.",
                )
                return
        if plan.fate == MERGED and plan.extra.get("parent") is not None:
            parent = plan.extra["parent"]
            parent.refresh_from_db(fields=["status", "parent"])
            if parent.status in (
                Status.REGISTERED,
                Status.PREPROCESSED,
                Status.FORWARDED,
                Status.ACCEPTED,
                Status.IN_WORK,
                Status.EXECUTED,
            ):
                services.appeal_merge(actor=operator, appeal=appeal, parent=parent)
                return
        route = self.route(appeal)
        if plan.fate == FORWARDED_OUT or (route is not None and route.is_external):
            body = (
                route
                if route is not None and route.is_external
                else self.ref.organizations[rng.choice(["ukc-1545", "oda"])]
            )
            t = self.later(plan, t, rng.uniform(2, 80), office=True)
            yield t
            services.appeal_forward_out(
                actor=operator,
                appeal=appeal,
                organization=body,
                note=rng.choice(data.FORWARD_OUT_NOTES),
            )
            return

        # Forwarding by competence.
        forwarder = operator if svc or rng.random() < 0.6 else self.supervisor
        t = self.later(
            plan, t, rng.uniform(0.05, 2) if svc else rng.uniform(0.5, 30), office=not svc
        )
        yield t
        co: list[Organization] = []
        if plan.wrong_route or plan.fate == NO_COMPETENCE:
            wrong = rng.choice([org for org in self.internal_executors if org != route])
            target = wrong if plan.wrong_route else route
            services.appeal_forward(actor=forwarder, appeal=appeal, organization=target)
            executor = self.executor_of(target)
            t = self.later(plan, t, rng.uniform(0.3, 20), office=not svc)
            yield t
            services.appeal_return(
                actor=executor, appeal=appeal, reason=rng.choice(data.RETURN_REASONS)
            )
            if plan.returned_left:
                return
            t = self.later(plan, t, rng.uniform(0.2, 6), office=not svc)
            yield t
            if plan.fate == NO_COMPETENCE:
                services.appeal_reject(
                    actor=operator,
                    appeal=appeal,
                    reason=RejectionReason.NO_COMPETENCE,
                    comment=rng.choice(data.NO_COMPETENCE_COMMENTS),
                )
                return
            services.appeal_forward(actor=operator, appeal=appeal, organization=route)
        else:
            if plan.co_executor:
                co = [rng.choice([org for org in self.internal_executors if org != route])]
            services.appeal_forward(
                actor=forwarder,
                appeal=appeal,
                organization=route,
                co_executors=co,
                instruction=rng.choice(data.INSTRUCTIONS),
            )
        executor = self.executor_of(route)
        round_the_clock = svc and self.serves_round_the_clock(plan)

        # Execution.
        t = self.later(
            plan, t, rng.uniform(0.1, 3) if svc else rng.uniform(1, 40), office=not round_the_clock
        )
        yield t
        services.appeal_accept(actor=executor, appeal=appeal)
        for organization in co:
            services.appeal_accept(
                actor=self.executor_of(organization), appeal=appeal, organization=organization
            )
        t = self.later(
            plan,
            t,
            rng.uniform(0.05, 4) if svc else rng.uniform(0.5, 50),
            office=not round_the_clock,
        )
        yield t
        services.appeal_start_work(actor=executor, appeal=appeal)
        done_at = self.done_at(plan, appeal, t)
        if plan.extend:
            extend_at = max(
                t + timedelta(hours=1), appeal.due_at - timedelta(days=rng.uniform(1, 4))
            )
            t = office_hours(extend_at, rng)
            yield t
            new_due = end_of_local_day(
                local_date(appeal.received_at) + timedelta(days=rng.randint(38, 45))
            )
            services.appeal_extend(
                actor=self.supervisor,
                appeal=appeal,
                due=new_due,
                reason=rng.choice(data.EXTENSION_REASONS),
            )
            appeal.refresh_from_db(fields=["due_at"])
            done_at = max(done_at, appeal.due_at - timedelta(days=rng.uniform(0.5, 6)))
        for _round in range(3 if plan.not_confirmed or plan.reopen else 1):
            t = self.later(
                plan, t, max((done_at - t).total_seconds() / 3600, 0.1), office=not round_the_clock
            )
            yield t
            for organization in co:
                services.appeal_report_execution(
                    actor=self.executor_of(organization),
                    appeal=appeal,
                    organization=organization,
                    report="Співвиконавцем виконано свою частину робіт.",
                )
            co = []
            services.appeal_report_execution(
                actor=executor, appeal=appeal, report=self.report(plan, t)
            )
            t = self.later(plan, t, rng.uniform(1, 30) if svc else rng.uniform(5, 90))
            yield t
            if plan.not_confirmed:
                plan.not_confirmed = False
                services.appeal_verify(
                    actor=operator,
                    appeal=appeal,
                    confirmed=False,
                    note=rng.choice(data.NOT_CONFIRMED_NOTES),
                )
                done_at = t + timedelta(hours=rng.uniform(2, 48) if svc else rng.uniform(24, 120))
                continue
            services.appeal_verify(
                actor=operator, appeal=appeal, confirmed=True, note=rng.choice(data.CONFIRM_NOTES)
            )
            self.pools.resolved.append((plan, appeal))
            if not plan.reopen:
                return
            plan.reopen = False
            t = self.later(plan, t, rng.uniform(48, 400), office=True)
            yield t
            services.appeal_reopen(
                actor=self.supervisor, appeal=appeal, reason=rng.choice(data.REOPEN_REASONS)
            )
            appeal.refresh_from_db(fields=["due_at"])
            done_at = t + timedelta(hours=rng.uniform(4, 72) if svc else rng.uniform(48, 240))

    # -- steps --

    def register(self, plan: Plan) -> Appeal:
        rng = plan.rng
        leaf = plan.leaf
        place = random_place(rng)
        person = plan.person
        if plan.fate == MERGED:
            parent_plan, parent = self.pick_open(plan)
            if parent is not None:
                leaf, place = parent_plan.leaf, parent_plan.place
                plan.leaf = leaf
                plan.extra["parent"] = parent
        elif plan.fate == REPEATED:
            earlier_plan, earlier = self.pick_resolved(plan)
            if earlier is not None:
                leaf, place = earlier_plan.leaf, earlier_plan.place or place
                person = earlier_plan.person
                plan.leaf, plan.person = leaf, person
                plan.extra["earlier"] = earlier
        _node, category = self.ref.leaves[leaf.code]
        template = rng.choice(leaf.texts)
        uses_place = "{addr}" in template or "{street}" in template
        again = plan.fate == REPEATED and plan.extra.get("earlier") is not None
        text = render(template, rng, place, plan.received_at, again=again)
        kind = self.kind_for(plan, leaf, template)
        if (
            kind != Kind.SERVICE_REQUEST
            and person is not None
            and plan.fate != INCOMPLETE
            and not person.address
        ):
            person = replace(person, address=f"м. {data.CITY}, {place.address}")
        plan.place = place if uses_place else None
        with_territory = uses_place and plan.channel not in (Channel.WEB, Channel.OPEN311)
        actor = self.registrar(plan)
        coordinates = uses_place and plan.channel in (Channel.WEB, Channel.OPEN311, Channel.CHAT)
        appeal = services.appeal_register(
            actor=actor,
            kind=kind,
            channel=plan.channel,
            category=category,
            text=text,
            address=place.address if uses_place else "",
            territory=self.territory_of(place) if with_territory else None,
            applicant=person,
            latitude=Decimal(str(place.latitude)) if coordinates else None,
            longitude=Decimal(str(place.longitude)) if coordinates else None,
            urgent=plan.urgent,
        )
        plan.appeal = appeal
        if uses_place and plan.fate != MERGED:
            pool = self.pools.open_with_address
            pool.append((plan, appeal))
            if len(pool) > 60:
                del pool[:20]
        return appeal

    def registrar(self, plan: Plan) -> User | None:
        if plan.channel == Channel.WEB:
            return None
        if plan.channel in (Channel.API, Channel.OPEN311):
            return self.ref.api_user
        return plan.rng.choice(self.operators)

    def kind_for(self, plan: Plan, leaf: data.Leaf, template: str) -> str:
        rng = plan.rng
        if "kind" in plan.extra:
            return plan.extra["kind"]
        if template.startswith("Пропоную") or "Пропоную" in template[:40]:
            return Kind.PROPOSAL
        if leaf.profile == data.SERVICE:
            return rng.choices(
                [Kind.SERVICE_REQUEST, Kind.COMPLAINT, Kind.APPLICATION], [80, 15, 5]
            )[0]
        if leaf.profile == data.CONSULT:
            return rng.choices([Kind.APPLICATION, Kind.COMPLAINT], [85, 15])[0]
        if "Просимо встановити" in template or "Просимо облаштувати" in template:
            return rng.choices([Kind.APPLICATION, Kind.PROPOSAL], [60, 40])[0]
        if template.startswith("Прошу") or "рошу" in template:
            return rng.choices([Kind.APPLICATION, Kind.COMPLAINT], [75, 25])[0]
        return rng.choices([Kind.COMPLAINT, Kind.APPLICATION], [70, 30])[0]

    def pick_open(self, plan: Plan) -> tuple[Plan, Appeal] | tuple[None, None]:
        recent = [
            (other, appeal)
            for other, appeal in self.pools.open_with_address
            if appeal.received_at > plan.received_at - timedelta(days=10) and appeal.pk is not None
        ]
        plan.rng.shuffle(recent)
        for other, appeal in recent[:8]:
            appeal.refresh_from_db(fields=["status", "parent"])
            if appeal.is_open and appeal.parent_id is None:
                return other, appeal
        return None, None

    def pick_resolved(self, plan: Plan) -> tuple[Plan, Appeal] | tuple[None, None]:
        candidates = [
            (other, appeal)
            for other, appeal in self.pools.resolved[-200:]
            if other.person is not None
            and (other.person.phone or other.person.email)
            and other.person.kind == "citizen"
            and other.leaf.profile != data.CONSULT
            and other.person.address
        ]
        if not candidates:
            return None, None
        return plan.rng.choice(candidates)

    def territory_of(self, place: Place) -> Territory:
        if place.settlement:
            return self.ref.settlements[place.settlement]
        return self.ref.districts[place.district]

    def route(self, appeal: Appeal) -> Organization | None:
        # The rules do not change during the load: ask the selector once per pair.
        key = (appeal.category_id, appeal.territory_id)
        if key not in self.routes:
            self.routes[key] = route_for(category=appeal.category, territory=appeal.territory)
        return self.routes[key]

    def executor_of(self, organization: Organization) -> User:
        return self.ref.executors.get(organization.pk) or self.ref.users["admin"]

    def done_at(self, plan: Plan, appeal: Appeal, started: datetime) -> datetime:
        rng = plan.rng
        span = appeal.due_at - appeal.received_at
        share = rng.uniform(1.05, 2.2) if rng.random() < 0.1 else rng.uniform(0.12, 0.95)
        if plan.leaf.hours is None or appeal.term != Term.SERVICE_LEVEL:
            share = rng.uniform(1.02, 1.4) if rng.random() < 0.08 else rng.uniform(0.15, 0.9)
        return max(started + timedelta(minutes=20), appeal.received_at + span * share)

    def report(self, plan: Plan, moment: datetime) -> str:
        rng = plan.rng
        text = plan.leaf.done.format(volume=rng.randint(2, 15))
        return f"{text}{rng.choice(data.REPORT_TAILS)}"

    def consult(self, plan: Plan) -> str:
        rng = plan.rng
        specific = plan.leaf.done if plan.leaf.profile == data.CONSULT else ""
        return specific or rng.choice(data.CONSULT_ANSWERS)


# Registrations by hour of the day (local time): the line works round the clock.
HOUR_WEIGHTS = [
    1,
    0.6,
    0.4,
    0.3,
    0.3,
    0.6,
    2,
    5,
    9,
    11,
    11,
    10,
    9,
    9,
    10,
    10,
    9,
    8,
    7,
    6,
    5,
    4,
    3,
    2,
]


def office_hours(moment: datetime, rng: random.Random) -> datetime:
    """The moment itself if it falls in working hours (Mon–Fri 8–17 local), else a random
    minute of the next working morning."""
    local = timezone.localtime(moment)
    if local.weekday() < 5 and 8 <= local.hour < 17:
        return moment
    day = local.date()
    if local.hour >= 17 or local.weekday() >= 5:
        day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    morning = timezone.make_aware(
        datetime.combine(day, time(8, rng.randrange(60))), timezone.get_current_timezone()
    )
    return max(morning + timedelta(minutes=rng.randrange(90)), moment)


def load(*, appeals: int, log: Callable[[str], None] = lambda _msg: None) -> Reference:
    """Load everything in one transaction: a half-loaded demo is never left behind."""
    end = now().replace(minute=0, second=0, microsecond=0)
    # The demo replays a year that has passed: nobody is to be messaged about it now.
    with transaction.atomic(), notifications_suppressed():
        if is_loaded():
            raise AlreadyLoaded
        ref = load_reference()
        log(
            f"Reference data: {Organization.objects.count()} organizations, "
            f"{Category.objects.count()} categories, {len(ref.users)} staff accounts."
        )
        for line in demo_totp_lines(give_demo_totp(ref.users.values())):
            log(line)
        Simulation(ref, count=appeals, end=end, log=log).run()
    return ref


def digest() -> str:
    """A fingerprint of the loaded appeals (number, status, category, text)."""
    h = hashlib.sha256()
    for row in Appeal.objects.order_by("number").values_list(
        "number", "status", "category__code", "text"
    ):
        h.update(repr(row).encode())
    return h.hexdigest()
