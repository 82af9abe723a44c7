"""Public event pages and organizer event management.

Order matters: ``feed.ics`` and ``new/`` come before the slug patterns (a slug never
contains a dot, so ``<slug>.ics`` and ``<slug>/`` cannot swallow each other), and the
event form refuses those two words as slugs. Likewise ``rsvp/cancel/`` and ``rsvp/link/``
come before ``rsvp/<token>/`` (a manage token always holds a colon).
"""

from django.urls import path

from events import rsvp_views, views

app_name = "events"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event_list"),
    path("feed.ics", views.EventFeedView.as_view(), name="event_feed"),
    path("new/", views.EventCreateView.as_view(), name="event_create"),
    path("<slug:slug>.ics", views.EventCalendarView.as_view(), name="event_ics"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path("<slug:slug>/rsvp/", views.RSVPCreateView.as_view(), name="rsvp"),
    path("<slug:slug>/rsvp/cancel/", views.RSVPCancelView.as_view(), name="rsvp_cancel"),
    path("<slug:slug>/rsvp/link/", rsvp_views.ManageLinkResendView.as_view(), name="rsvp_link"),
    path(
        "<slug:slug>/rsvp/<str:token>/",
        rsvp_views.RSVPManageView.as_view(),
        name="rsvp_manage",
    ),
    path("<slug:slug>/edit/", views.EventUpdateView.as_view(), name="event_edit"),
    path("<slug:slug>/publish/", views.EventPublishView.as_view(), name="event_publish"),
    path(
        "<slug:slug>/link/regenerate/",
        views.EventLinkRegenerateView.as_view(),
        name="event_link_regenerate",
    ),
    path("<slug:slug>/cancel/", views.EventCancelView.as_view(), name="event_cancel"),
    path("<slug:slug>/attendees/", views.AttendeeListView.as_view(), name="event_attendees"),
    path(
        "<slug:slug>/attendees.csv",
        views.AttendeeCSVView.as_view(),
        name="event_attendees_csv",
    ),
    path("<slug:slug>/messages/", views.EventMessageListView.as_view(), name="event_messages"),
    path(
        "<slug:slug>/messages/new/",
        views.EventMessageCreateView.as_view(),
        name="event_message_new",
    ),
    path("<slug:slug>/hosts/", views.EventHostsView.as_view(), name="event_hosts"),
    path(
        "<slug:slug>/hosts/<slug:organization>/confirm/",
        views.HostConfirmView.as_view(),
        name="event_host_confirm",
    ),
    path(
        "<slug:slug>/hosts/<slug:organization>/decline/",
        views.HostDeclineView.as_view(),
        name="event_host_decline",
    ),
    path(
        "<slug:slug>/hosts/<slug:organization>/withdraw/",
        views.HostWithdrawView.as_view(),
        name="event_host_withdraw",
    ),
    path(
        "<slug:slug>/attendees/<int:rsvp_id>/check-in/",
        views.CheckInView.as_view(),
        name="rsvp_check_in",
    ),
]
