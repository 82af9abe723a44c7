"""Proposed joint events: the list, one proposal, and the decision on it."""

from django.urls import path

from network.proposals import views

app_name = "proposals"

urlpatterns = [
    path("", views.ProposalListView.as_view(), name="proposal_list"),
    path("<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail"),
    path("<int:pk>/accept/", views.ProposalAcceptView.as_view(), name="proposal_accept"),
    path("<int:pk>/dismiss/", views.ProposalDismissView.as_view(), name="proposal_dismiss"),
]
