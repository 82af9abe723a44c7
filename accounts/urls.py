"""Accounts: sign up, log in and out, passwords, and /me/.

Not namespaced: Django's auth views reverse "login", "password_reset_done", … by bare name.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import calendar_views as calendar
from accounts import views as accounts
from accounts.forms import PasswordResetForm

urlpatterns = [
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", accounts.SignupView.as_view(), name="signup"),
    path("accounts/signup/sent/", accounts.SignupSentView.as_view(), name="signup_sent"),
    path("accounts/verify/<str:token>/", accounts.EmailVerifyView.as_view(), name="email_verify"),
    path(
        "accounts/email/<str:token>/",
        accounts.EmailChangeConfirmView.as_view(),
        name="email_change_confirm",
    ),
    path(
        "accounts/password/change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            form_class=PasswordResetForm,
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("me/", accounts.MeView.as_view(), name="me"),
    path("me/invites/", accounts.InvitesView.as_view(), name="invites"),
    path(
        "invites/unsubscribe/<str:token>/",
        accounts.InvitesUnsubscribeView.as_view(),
        name="invites_unsubscribe",
    ),
    path("me/email/", accounts.EmailChangeView.as_view(), name="email_change"),
    path(
        "me/email/verify/",
        accounts.EmailVerificationSendView.as_view(),
        name="email_verification_send",
    ),
    path("me/data.json", accounts.MyDataView.as_view(), name="my_data"),
    path("me/delete/", accounts.AccountDeleteView.as_view(), name="account_delete"),
    path("me/calendar/<str:token>.ics", calendar.MyCalendarView.as_view(), name="my_calendar"),
    path(
        "me/calendar/on/",
        calendar.MyCalendarChangeView.as_view(change="enable"),
        name="my_calendar_enable",
    ),
    path(
        "me/calendar/renew/",
        calendar.MyCalendarChangeView.as_view(change="renew"),
        name="my_calendar_renew",
    ),
    path(
        "me/calendar/off/",
        calendar.MyCalendarChangeView.as_view(change="disable"),
        name="my_calendar_disable",
    ),
]
