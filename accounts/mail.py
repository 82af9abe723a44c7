"""The mails accounts send: confirming an address, telling an address that someone tried
to use it, and resetting a password. Composed here like ``events/mail.py``'s, queued in
the outbox (``worker.services.mail_queue``) and sent by the task worker after commit.
Bodies are plain-text templates in ``templates/accounts/email/`` (the password reset's is
Django's form's, ``templates/registration/``). Each mail goes to one address and names
nobody else."""

from urllib.parse import urlencode

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from events.mail import site_url
from movements.models import Member
from movements.verification import LINK_MAX_AGE


def verification_message(member: Member, *, url: str) -> EmailMessage:
    """To ``member``'s current address: the link (``url``) that confirms it."""
    return _message(
        member.email,
        "verify",
        "Confirm your email address for Coalition",
        member=member,
        url=url,
    )


def email_change_message(member: Member, *, new_email: str, url: str) -> EmailMessage:
    """To the address ``member`` asked to move their account to: the link that moves it."""
    return _message(
        new_email,
        "email_change",
        "Confirm your new email address for Coalition",
        member=member,
        new_email=new_email,
        url=url,
    )


def address_in_use_message(
    email: str, *, usernames: list[str], change: bool, next_url: str = ""
) -> EmailMessage:
    """To an address that already belongs to an account, when someone signed up with it
    (``change`` False) or asked to move another account to it (``change`` True). Nothing
    was changed; the owner learns how to log in (by this address or their username, then
    on to ``next_url``, a path on this site) or reset their password."""
    login_url = reverse("login")
    if next_url:
        login_url += "?" + urlencode({"next": next_url})
    return _message(
        email,
        "address_in_use",
        "Someone tried to use your address on Coalition",
        usernames=usernames,
        change=change,
        login_url=site_url(login_url),
        reset_url=site_url(reverse("password_reset")),
    )


def password_reset_message(
    subject_template_name: str,
    email_template_name: str,
    context: dict,
    *,
    from_email: str | None,
    to_email: str,
    html_email_template_name: str | None = None,
) -> EmailMultiAlternatives:
    """The password reset mail, composed as Django's ``PasswordResetForm.send_mail``
    composes it (its templates and context)."""
    subject = "".join(render_to_string(subject_template_name, context).splitlines())
    body = render_to_string(email_template_name, context)
    message = EmailMultiAlternatives(subject, body, from_email, [to_email])
    if html_email_template_name is not None:
        message.attach_alternative(
            render_to_string(html_email_template_name, context), "text/html"
        )
    return message


def _message(to: str, template: str, subject: str, **context) -> EmailMessage:
    body = render_to_string(
        f"accounts/email/{template}.txt",
        {"days": LINK_MAX_AGE.days, "site_url": site_url("/"), **context},
    )
    return EmailMessage(subject=subject, body=body, to=[to])
