from django.contrib import admin
from django.urls import include, path

from coalition.pagecache import cached_pages

# Public pages served from the page cache to anonymous visitors (coalition/pagecache.py),
# with the versions whose writes change them.
BOTH = ("network", "events")
EVENT_PAGES = {"event_list": BOTH}
DIRECTORY_PAGES = {"home": BOTH, "movement_list": ("network",), "organization_list": ("network",)}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("coalition.api_urls")),
    path("", include("coalition.account_urls")),
    path("events/", include(cached_pages("events.urls", EVENT_PAGES))),
    path("proposals/", include("coalition.proposal_urls")),
    path("", include("coalition.page_urls")),
    path("", include(cached_pages("movements.urls", DIRECTORY_PAGES))),
]
