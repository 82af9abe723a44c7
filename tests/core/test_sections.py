"""Sections a higher layer adds to a lower page (``core.sections``): the page renders what
the receivers of its signal return, in its slots and in order; the movement page gets the
analysis layer's sections that way, and its template loads no tag of that layer."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from core.sections import Section, page_sections
from movements.signals import organization_page
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_receivers_sections_are_rendered_by_slot_and_order(tmp_path, settings):
    (tmp_path / "note.html").write_text("<p>{{ text }} {{ organization.slug }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    organization = OrganizationFactory(slug="garden")

    def notes(sender, request, organization, **kwargs):
        return [
            Section("end", "note.html", {"text": "second", "organization": organization}, 2),
            Section("end", "note.html", {"text": "first", "organization": organization}, 1),
            Section("main", "note.html", {"text": "main", "organization": organization}),
        ]

    organization_page.connect(notes, dispatch_uid="test.notes")
    try:
        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        sections = page_sections(organization_page, request, organization=organization)
    finally:
        organization_page.disconnect(dispatch_uid="test.notes")

    assert sections["main"] == ["<p>main garden</p>"]
    # Ours in their order (the analysis layer adds its engagement section there too).
    texts = [html for html in sections["end"] if html.startswith("<p>")]
    assert texts == ["<p>first garden</p>", "<p>second garden</p>"]


def test_the_movement_page_shows_the_analysis_layers_sections(client):
    from tests.factories import MovementFactory

    movement = MovementFactory(slug="food-justice")

    response = client.get(movement.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="related-title"' in content  # network/sections.py: related movements
    assert "Engagement</h2>" in content  # network/sections.py: engagement
