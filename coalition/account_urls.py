"""Accounts: sign up, log in and out, passwords, and /me/.

Not namespaced: Django's auth views reverse "login", "password_reset_done", … by bare name.
"""

urlpatterns = []
