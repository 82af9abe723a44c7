"""Fuzzing the REST API against its own OpenAPI schema (schemathesis).

The schema is read from the running app (``/api/schema/``); every operation is called with
generated parameters and bodies, a bounded number of examples each, on the seeded demo
network with a few events and open organizer requests, as a curator with a DRF token (so
the writes are reached too). About half the calls name a real movement, organization,
event, proposal or organizer request in the path, so
the detail pages and the writes are exercised, not only their 404s. Each answer must be no
5xx, a status code the schema documents, of the documented content type and shape.
"""

import io

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from events.models import Event, EventStatus, Proposal
from movements.models import Movement, Organization, OrganizerRequest
from movements.organizing import organizer_request_create
from tests.factories import EventFactory, EventHostFactory, MemberFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.fuzz]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Reading the schema needs no database: it is generated from the code.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def token_header():
    """The demo network, its proposals, three events (published with an invited co-host,
    private, draft) and a curator's token header."""
    call_command("seed_demo", stdout=io.StringIO())
    call_command("refresh_proposals", stdout=io.StringIO())
    movements = list(Movement.objects.visible().order_by("slug")[:3])
    hosts = list(Organization.objects.visible().order_by("slug")[:3])
    potluck = EventFactory(slug="fuzz-potluck", movements=movements, hosts=hosts[:2], capacity=3)
    # An invitation, so that answering one is reached too.
    EventHostFactory(event=potluck, organization=hosts[2], movement=movements[0])
    EventFactory(slug="fuzz-private", movements=movements[:1], visibility="private")
    EventFactory(slug="fuzz-draft", movements=movements[1:], status=EventStatus.DRAFT)
    curator = UserFactory(username="fuzz-curator", is_staff=True, is_superuser=True)
    for i, organization in enumerate(hosts):
        asker = MemberFactory(key=f"fuzz-asker-{i}", user=UserFactory(username=f"fuzz-{i}"))
        organizer_request_create(member=asker, organization=organization, note="Let me help.")
    return {"Authorization": f"Token {Token.objects.create(user=curator).key}"}


def real_path_values(path: str, name: str = "") -> list:
    """Slugs or ids that exist, for the path parameter ``name`` of ``path``."""
    if path.startswith("/api/organizations/") or name == "organization":
        return list(Organization.objects.visible().values_list("slug", flat=True))
    if path.startswith("/api/movements/"):
        return list(Movement.objects.visible().values_list("slug", flat=True))
    if path.startswith("/api/events/"):
        return list(Event.objects.values_list("slug", flat=True))
    if path.startswith("/api/organizer-requests/"):
        return list(OrganizerRequest.objects.values_list("pk", flat=True))
    return list(Proposal.objects.values_list("pk", flat=True))


@schema.parametrize()
@schema.given(data=st.data())
@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
def test_api_answers_as_documented(case, data, token_header):
    for name in case.path_parameters or {}:
        if data.draw(st.booleans(), label="real path value"):
            case.path_parameters[name] = data.draw(
                st.sampled_from(real_path_values(case.path, name)), label=name
            )

    case.call_and_validate(headers=token_header, checks=CHECKS)


def test_unknown_api_url_answers_the_json_404():
    response = Client().get("/api/proposals/not-a-number/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
