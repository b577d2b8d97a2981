"""People who work in Vikno and the keys integrations use."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("operator")
    EXECUTOR = "executor", _("executor")
    SUPERVISOR = "supervisor", _("supervisor")
    ANALYST = "analyst", _("analyst")
    ADMINISTRATOR = "administrator", _("administrator")


class User(AbstractUser):
    """A member of staff (or the service account behind an API key).

    `organization` binds executors and supervisors to the body they work for; `is_demo`
    marks the demo accounts, which refuse to sign in when DEBUG is off.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    organization = models.ForeignKey(
        "reference.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    is_demo = models.BooleanField(_("demo account"), default=False)
    is_service_account = models.BooleanField(_("service account"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiKeyScope(models.TextChoices):
    READ = "read", _("read")
    WRITE = "write", _("write")


class ApiKey(models.Model):
    """A named, scoped, revocable key of an integration; only a hash of the secret is kept."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_keys")
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SignInFailureReason(models.TextChoices):
    WRONG_CREDENTIALS = "wrong_credentials", _("wrong username or password")
    WRONG_CODE = "wrong_code", _("wrong two-factor code")
    THROTTLED = "throttled", _("too many attempts, refused without checking")


class SignInFailure(models.Model):
    """One failed staff sign-in, for administrators to see attacks on accounts.

    The username tried is kept only as a short keyed hash (`username_hash`, the same one
    the log line shows); `user` is set when it matched an existing account.
    """

    created_at = models.DateTimeField(_("when"), db_index=True)
    reason = models.CharField(_("reason"), max_length=20, choices=SignInFailureReason.choices)
    username_hash = models.CharField(_("username hash"), max_length=16, db_index=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signin_failures",
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username_hash} {self.reason}"
