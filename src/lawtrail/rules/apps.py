from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "lawtrail.rules"
    verbose_name = "规则配置"

    def ready(self):
        """Load every profile now: a broken profile stops the application from starting, with the
        file, the line and the reason (profiles.ProfileError is an ImproperlyConfigured)."""
        from . import checks, profiles, sources  # noqa: F401  (checks registers the calendar warning)

        profiles.load_all()
        sources.connect()  # a change of a fact marks the stored results it concerns stale
