"""django.contrib.admin with Vikno's admin site (see vikno.accounts.admin_site).

Kept apart from admin_site.py: an AppConfig module is imported before models are ready.
"""

from django.contrib.admin.apps import AdminConfig


class ViknoAdminConfig(AdminConfig):
    default_site = "vikno.accounts.admin_site.ViknoAdminSite"
