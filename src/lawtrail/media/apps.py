from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "lawtrail.media"
    verbose_name = "音像记录"

    def ready(self):
        from lawtrail.ledger import verify

        from . import fixity

        verify.register(fixity.check_objects)
