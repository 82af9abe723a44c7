/* "Show password": a button after each password field marked data-password-toggle
 * (accounts/forms.py, PasswordShowInput) that shows the typed password and hides it again.
 *
 * Progressive enhancement: without this script the field is a plain password field, and
 * the button does not exist. No inline script or style (the Content Security Policy
 * forbids them). The button is a toggle (aria-pressed); the field is hidden again before
 * the form is sent, so the browser never keeps the password as plain text.
 */
(function () {
  "use strict";

  document.querySelectorAll("input[data-password-toggle]").forEach(function (input) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button--secondary button--small password-toggle";
    button.textContent = "Show password";
    button.setAttribute("aria-pressed", "false");
    if (input.id) {
      button.setAttribute("aria-controls", input.id);
    }

    function show(shown) {
      input.type = shown ? "text" : "password";
      button.setAttribute("aria-pressed", shown ? "true" : "false");
    }

    button.addEventListener("click", function () {
      show(input.type === "password");
      input.focus();
    });
    if (input.form) {
      input.form.addEventListener("submit", function () {
        show(false);
      });
    }
    input.insertAdjacentElement("afterend", button);
  });
})();
