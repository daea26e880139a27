from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccessConfig(AppConfig):
    default = True  # the module also holds the admin's config below
    name = "lawtrail.access"
    verbose_name = "机构与账号"

    def ready(self):
        from django.contrib.auth.models import User
        from django.db.models.signals import post_save

        from lawtrail.ledger import verify

        from . import accounts

        verify.observe(accounts.MARKER, accounts.observe_entry)
        verify.register(accounts.check_accounts)
        post_save.connect(accounts.on_user_saved, sender=User, dispatch_uid="lawtrail.access.rehash")


class LawtrailAdminConfig(admin_apps.AdminConfig):
    """Django's admin with lawtrail's site: entered by the Staff role, logged in through /login/."""

    default = False  # named in INSTALLED_APPS; lawtrail.access's own config is AccessConfig
    default_site = "lawtrail.access.site.LawtrailAdminSite"
