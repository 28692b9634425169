"""Signing up."""

from django import forms
from django.core.exceptions import ValidationError

PASSWORDS_DIFFER = "The two passwords are not the same. Type the same password twice."
USERNAME_MISSING = "Choose a username: you will type it to log in."
PASSWORD_MISSING = "Choose a password."
PASSWORD_AGAIN_MISSING = "Type your password a second time, to be sure it has no typo."


class SignupForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        error_messages={"required": USERNAME_MISSING},
        help_text="What you type to log in: letters, digits and @ . + - _ only.",
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    display_name = forms.CharField(
        label="Your name (optional)",
        max_length=150,
        required=False,
        help_text="Shown to your instructor and on your pages instead of your username.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email (optional)",
        required=False,
        help_text="Lets the people who run this site reach you, for example if you forget "
        "your password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        strip=False,
        error_messages={"required": PASSWORD_MISSING},
        help_text="At least 10 characters; not a common password, not all digits and not "
        "like your username. A short sentence is easy to remember.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Password again",
        strip=False,
        error_messages={"required": PASSWORD_AGAIN_MISSING},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", PASSWORDS_DIFFER)
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's errors beside the fields they name, the rest above the form."""
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)
