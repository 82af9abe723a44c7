"""Cross-app pages: the movement map and overlaps."""

from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("map/", views.MapView.as_view(), name="map"),
    path("map/graph.json", views.GraphView.as_view(), name="graph"),
    path("map/table/", views.OverlapTableView.as_view(), name="overlap_table"),
    path("overlaps/<slug:a>/<slug:b>/", views.OverlapDetailView.as_view(), name="overlap_detail"),
]
