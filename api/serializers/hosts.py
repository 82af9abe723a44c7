"""Serializers of an event's hosts (/api/events/<slug>/hosts/): each an organization
standing for one of the event's movements, with its status."""

from rest_framework import serializers

from api.serializers.fields import slugs
from events.models import EventHost
from movements.models import Movement, Organization


class EventHostSerializer(serializers.ModelSerializer):
    """A host of an event, or an organization invited to host it."""

    # Reads EventHost.objects.with_relations().

    organization = slugs(help_text="Slug of the organization.")
    movement = slugs(help_text="Slug of the event's movement it stands for.")

    class Meta:
        model = EventHost
        fields = ["organization", "movement", "status"]
        read_only_fields = fields
        extra_kwargs = {
            "status": {
                "help_text": (
                    "invited (waiting for its organizers' answer), confirmed (hosts: its "
                    "organizers manage the event) or declined."
                )
            }
        }


class EventHostInviteSerializer(serializers.Serializer):
    """What a POST to an event's hosts endpoint carries: whom to invite, for which
    movement."""

    organization = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organization.objects.all(),
        error_messages={"does_not_exist": "There is no organization “{value}”."},
        help_text="Slug of the organization to invite.",
    )
    movement = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Movement.objects.all(),
        error_messages={"does_not_exist": "There is no movement “{value}”."},
        help_text="Slug of the event's movement it would stand for (one it takes part in).",
    )
