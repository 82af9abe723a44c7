from django.urls import path

from movements import views

app_name = "movements"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("movements/", views.MovementListView.as_view(), name="movement_list"),
    path("movements/<slug:slug>/", views.MovementDetailView.as_view(), name="movement_detail"),
    path("organizations/", views.OrganizationListView.as_view(), name="organization_list"),
    path(
        "organizations/<slug:slug>/",
        views.OrganizationDetailView.as_view(),
        name="organization_detail",
    ),
    path(
        "organizations/<slug:slug>/organize/",
        views.OrganizeView.as_view(),
        name="organization_organize",
    ),
    path(
        "organizations/<slug:slug>/step-down/",
        views.StepDownView.as_view(),
        name="organization_step_down",
    ),
    path(
        "organizer-requests/<int:pk>/approve/",
        views.OrganizerRequestDecideView.as_view(decision="approve"),
        name="organizer_request_approve",
    ),
    path(
        "organizer-requests/<int:pk>/decline/",
        views.OrganizerRequestDecideView.as_view(decision="decline"),
        name="organizer_request_decline",
    ),
]
