from django.contrib import admin
from django.urls import include, path

from core.pagecache import cached_pages

# Public pages served from the page cache to anonymous visitors (core/pagecache.py),
# with the versions whose writes change them.
BOTH = ("network", "events")
EVENT_PAGES = {"event_list": BOTH}
DIRECTORY_PAGES = {"home": BOTH, "movement_list": ("network",), "organization_list": ("network",)}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("accounts.urls")),
    path("events/", include(cached_pages("events.urls", EVENT_PAGES))),
    path("proposals/", include("network.proposals.urls")),
    path("", include("network.urls")),
    path("", include(cached_pages("movements.urls", DIRECTORY_PAGES))),
]
