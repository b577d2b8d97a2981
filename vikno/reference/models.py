"""Reference data: who executes (organizations), where (territories), what (categories),
and the routing rules that join them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vikno.core.deadlines import Term


class OrganizationKind(models.TextChoices):
    EXECUTIVE_BODY = "executive_body", _("executive body")
    DEPARTMENT = "department", _("department")
    UTILITY = "utility", _("municipal utility")
    CONTACT_CENTER = "contact_center", _("contact center")
    EXTERNAL = "external", _("outside body")


class Organization(models.Model):
    """An executive body, its department, a municipal utility, or a body outside Vikno
    (e.g. the Government contact center) that appeals can be sent to."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    schedule = models.TextField(_("working hours"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def is_external(self) -> bool:
        return self.kind == OrganizationKind.EXTERNAL


class TerritoryKind(models.TextChoices):
    HROMADA = "hromada", _("hromada")
    DISTRICT = "district", _("district")
    SETTLEMENT = "settlement", _("settlement")
    STREET = "street", _("street")


class Territory(models.Model):
    """A hromada, its districts, settlements and, where useful, streets."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=TerritoryKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A node of the category tree; leaves carry the deadline policy and default executor."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    term = models.CharField(_("term"), max_length=20, choices=Term.choices, default=Term.STANDARD)
    service_level_hours = models.PositiveIntegerField(
        _("service level, hours"),
        null=True,
        blank=True,
        help_text=_("For city-service requests: hours from receipt to resolution."),
    )
    default_executor = models.ForeignKey(
        Organization,
        verbose_name=_("default executor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="default_categories",
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Appeals of this category (or its subtree) on this territory (or anywhere when
    empty) go to this organization."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="routes"
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routes",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="routes",
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "territory"], name="routing_rule_unique_place"
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(territory__isnull=True),
                name="routing_rule_unique_anywhere",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} / {self.territory or '*'} → {self.organization}"
