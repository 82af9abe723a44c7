"""The mails about organizer requests (``movements/organizing.py``): composed here, queued
in the outbox by the services (``worker.services.mail_queue``) and sent by the task worker
after commit, like ``events/mail.py``'s and ``accounts/mail.py``'s.

Bodies are plain-text templates in ``templates/movements/email/``. Each mail goes to one
address. The deciders learn the name of the person asking and their note (the form says
so before they ask), never their email address; the person asking learns the decision,
never who made it.
"""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from core.conf import app_settings
from movements.models import OrganizerRequest


def site_url(path: str = "") -> str:
    """Absolute URL for ``path`` on this site (``COALITION_SITE_URL``)."""
    return f"{app_settings.SITE_URL}{path}"


def organize_url(request: OrganizerRequest) -> str:
    """The organization's organize page: where its deciders decide, and anyone asks."""
    return site_url(
        reverse("movements:organization_organize", kwargs={"slug": request.organization.slug})
    )


# Who a "request received" mail goes to, and so what it says.
ORGANIZER = "organizer"  # an organizer of the organization
CURATOR = "curator"  # a curator, when the organization has no organizer account
CONTACT = "contact"  # the organization's contact address, when it has no organizer account


def organizer_request_received_message(
    request: OrganizerRequest, *, to: str, recipient: str
) -> EmailMessage:
    """To one decider (``recipient`` ORGANIZER or CURATOR) or to the organization's contact
    address (CONTACT): ``request`` arrived."""
    return _message(
        to,
        "organizer_request_received",
        f"{request.member.name} asks to organize for {request.organization.name}",
        request=request,
        recipient=recipient,
    )


def organizer_request_approved_message(request: OrganizerRequest) -> EmailMessage | None:
    """To the person who asked, when a decider approved; None without an address."""
    return _to_requester(
        request, "organizer_request_approved", f"You organize for {request.organization.name}"
    )


def organizer_request_declined_message(request: OrganizerRequest) -> EmailMessage | None:
    """To the person who asked, when a decider declined; None without an address."""
    return _to_requester(
        request,
        "organizer_request_declined",
        f"Your request to organize for {request.organization.name}",
    )


def _to_requester(request: OrganizerRequest, template: str, subject: str) -> EmailMessage | None:
    member = request.member
    address = member.email or (member.user.email if member.user_id else "")
    if not address:
        return None
    return _message(address, template, subject, request=request)


def _message(to: str, template: str, subject: str, *, request: OrganizerRequest, **context):
    organization = request.organization
    body = render_to_string(
        f"movements/email/{template}.txt",
        {
            "request": request,
            "member": request.member,
            "organization": organization,
            "organize_url": organize_url(request),
            "organization_url": site_url(organization.get_absolute_url()),
            "site_url": site_url("/"),
            **context,
        },
    )
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[to])
