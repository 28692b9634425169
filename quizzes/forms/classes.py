"""Joining a class."""

from django import forms


class JoinForm(forms.Form):
    # Not required here: the service says what an empty code means, in one place.
    code = forms.CharField(
        label="Join code",
        required=False,
        max_length=64,
        error_messages={"max_length": "That is much longer than a join code; check it again."},
        help_text="Your instructor gives it to you, for example 4KXM 7TQA. Capitals, spaces "
        "and dashes do not matter.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )
