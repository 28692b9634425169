"""The form that names a new API token."""

from django import forms

from quizzes.services.api_tokens import NAME_MAX, NAME_REQUIRED


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=NAME_MAX,
        help_text="What will use it, so you know which to revoke later: “Moodle”, “grade sync”.",
        error_messages={"required": NAME_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
