"""REST API routes (/api/): the router's endpoints, the OpenAPI schema and its docs page."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api.views import (
    directory,
    events,
    followthrough,
    hosts,
    insights,
    organizer_requests,
    proposals,
)

app_name = "api"


class Router(DefaultRouter):
    """DefaultRouter whose API root also links the schema and the docs page."""

    APIRootView = directory.CoalitionAPIRootView
    extra_root_links = {"schema": "schema", "docs": "docs"}

    def get_api_root_view(self, api_urls=None):
        list_name = self.routes[0].name
        root = {
            prefix: list_name.format(basename=basename) for prefix, _, basename in self.registry
        }
        return self.APIRootView.as_view(api_root_dict={**root, **self.extra_root_links})


router = Router()
router.register("movements", directory.MovementViewSet, basename="movement")
router.register("organizations", directory.OrganizationViewSet, basename="organization")
router.register("events", events.EventViewSet, basename="event")
router.register("proposals", proposals.ProposalViewSet, basename="proposal")
router.register(
    "organizer-requests",
    organizer_requests.OrganizerRequestViewSet,
    basename="organizer-request",
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path(
        "movements/<slug:slug>/insights/",
        insights.MovementInsightsView.as_view(),
        name="movement-insights",
    ),
    path(
        "organizations/<slug:slug>/insights/",
        insights.OrganizationInsightsView.as_view(),
        name="organization-insights",
    ),
    path("events/<slug:slug>/hosts/", hosts.EventHostListView.as_view(), name="event-hosts"),
    path(
        "events/<slug:slug>/hosts/<slug:organization>/confirm/",
        hosts.EventHostConfirmView.as_view(),
        name="event-host-confirm",
    ),
    path(
        "events/<slug:slug>/hosts/<slug:organization>/decline/",
        hosts.EventHostDeclineView.as_view(),
        name="event-host-decline",
    ),
    path(
        "events/<slug:slug>/follow-through/",
        followthrough.EventFollowThroughView.as_view(),
        name="event-follow-through",
    ),
    path("overlaps/<slug:a>/<slug:b>/", followthrough.OverlapPairView.as_view(), name="overlap"),
    *router.urls,
    # Anything else under /api/ (an id that is not a number, a typo) answers the API's
    # JSON 404, not the site's HTML page. Only paths ending in a slash, so that APPEND_SLASH
    # still redirects /api/movements to /api/movements/.
    re_path(r"^.*/$", directory.not_found),
]
