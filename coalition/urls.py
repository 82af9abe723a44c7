from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from core.pagecache import cached_pages
from core.views import healthz

# Public pages served from the page cache to anonymous visitors (core/pagecache.py),
# with the versions whose writes change them.
BOTH = ("network", "events")
EVENT_PAGES = {"event_list": BOTH}
DIRECTORY_PAGES = {"home": BOTH, "movement_list": ("network",), "organization_list": ("network",)}

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # for the process manager or proxy
    # The admin's own password change checks the old password without django-axes; the
    # site's (accounts.views.PasswordChangeView) counts it like a login.
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("accounts.urls")),
    path("events/", include(cached_pages("events.urls", EVENT_PAGES))),
    path("proposals/", include("network.proposals.urls")),
    path("", include("network.urls")),
    path("", include(cached_pages("movements.urls", DIRECTORY_PAGES))),
]
