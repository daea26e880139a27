from django.contrib import admin
from django.urls import include, path, re_path

from lawtrail.api import errors as api_errors
from lawtrail.api.api import urls as api_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api_urls),
    re_path(r"^api/", api_errors.not_found),  # any other /api/ path answers in JSON too
    path("", include("lawtrail.web.urls")),
]

handler500 = "lawtrail.api.errors.server_error"  # JSON under /api/, the site's page elsewhere
