"""The site's URLs plus ``/bench/ping/``: the framework's limit to compare pages against."""

from django.http import HttpResponse
from django.urls import include, path


def ping(request):
    return HttpResponse("pong", content_type="text/plain")


urlpatterns = [path("bench/ping/", ping), path("", include("coalition.urls"))]
