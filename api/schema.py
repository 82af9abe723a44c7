"""Error shapes of the API, for the OpenAPI schema: every view documents its refusals with
these, so a client meets the same ``{"detail": …}`` or field-errors object everywhere."""

from drf_spectacular.utils import OpenApiResponse

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
MESSAGES = {"type": "array", "items": {"type": "string"}}
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Field name (or non_field_errors) → messages; for a list field, the index of each "
        "bad item → messages."
    ),
    "additionalProperties": {
        "anyOf": [MESSAGES, {"type": "object", "additionalProperties": MESSAGES}]
    },
}
BAD_BODY = OpenApiResponse(
    {"anyOf": [DETAIL, FIELD_ERRORS]},
    description="Bad body: the field errors, or `detail` when the body does not parse.",
)
UNSUPPORTED_BODY = OpenApiResponse(
    DETAIL, description="A body that is not JSON, form data or multipart form data."
)
BAD_FILTER = OpenApiResponse(FIELD_ERRORS, description="A bad filter value: the field errors.")
NO_SUCH_PAGE = OpenApiResponse(
    DETAIL, description="No such page (`page` is not a page number of this list)."
)

NOT_SIGNED_IN = OpenApiResponse(
    DETAIL,
    description=(
        "Not signed in: send `Authorization: Token <key>` (`manage.py drf_create_token "
        "USER` makes one) or use the site's session. An invalid token is refused the same "
        "way."
    ),
)
CSRF_REFUSED = OpenApiResponse(
    DETAIL,
    description="Session auth without the CSRF token (`X-CSRFToken` header).",
)
