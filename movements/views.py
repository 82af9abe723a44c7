from django.views.generic import DetailView, ListView, TemplateView

from movements.models import Movement, Organization


class HomeView(TemplateView):
    template_name = "home.html"


class MovementListView(ListView):
    model = Movement


class MovementDetailView(DetailView):
    model = Movement


class OrganizationListView(ListView):
    model = Organization


class OrganizationDetailView(DetailView):
    model = Organization
