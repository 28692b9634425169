"""The staff form that registers a platform."""

import json

from django import forms

from quizzes.services.lti import KEYSET_INVALID


class PlatformForm(forms.Form):
    name = forms.CharField(max_length=200, required=False, help_text="e.g. Moodle at Riverside")
    issuer = forms.CharField(
        max_length=255, help_text="Platform ID (iss), e.g. https://moodle.example.org"
    )
    client_id = forms.CharField(max_length=255, label="Client ID")
    login_url = forms.URLField(
        assume_scheme="https",
        max_length=500,
        label="Authentication request URL",
        help_text="Moodle: …/mod/lti/auth.php",
    )
    token_url = forms.URLField(
        assume_scheme="https",
        max_length=500,
        label="Access token URL",
        help_text="Moodle: …/mod/lti/token.php",
    )
    keyset_url = forms.URLField(
        assume_scheme="https",
        max_length=500,
        required=False,
        label="Public keyset URL",
        help_text="Moodle: …/mod/lti/certs.php. Leave empty to paste the keyset below.",
    )
    keyset = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Public keyset (JSON)"
    )
    deployment_ids = forms.CharField(
        label="Deployment IDs", help_text="One or more, separated by spaces or new lines."
    )
    frame_ancestors = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Origins allowed to frame psoasquiz",
        help_text="One per line, e.g. https://moodle.example.org. Empty: the login URL's origin.",
    )

    def clean_keyset(self):
        text = self.cleaned_data["keyset"].strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(KEYSET_INVALID) from None
        if not isinstance(value, dict) or not isinstance(value.get("keys"), list):
            raise forms.ValidationError(KEYSET_INVALID)
        return value
