from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("coalition.api_urls")),
    path("", include("coalition.account_urls")),
    path("events/", include("events.urls")),
    path("proposals/", include("coalition.proposal_urls")),
    path("", include("coalition.page_urls")),
    path("", include("movements.urls")),
]
