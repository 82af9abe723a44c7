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
]
