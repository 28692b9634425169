"""The OpenAPI schema validates, and the documentation works offline (no CDN)."""

from io import StringIO

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db

CDNS = ("cdn.", "jsdelivr", "unpkg", "cdnjs", "googleapis")


def test_the_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert text.startswith("openapi: 3.0.3")
    assert "/api/v1/attempts/{attempt_id}/answers/{position}/" in text


def test_every_operation_has_an_example_and_documents_its_errors(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) >= 24
    for path, method, operation in operations:
        responses = operation["responses"]
        success = next(code for code in responses if code.startswith("2"))
        content = responses[success].get("content", {}).get("application/json", {})
        assert content.get("examples"), f"{method} {path} has no example"
        assert "401" in responses and "429" in responses, f"{method} {path}"
        error = responses["401"]["content"]["application/json"]["schema"]["$ref"]
        assert error == "#/components/schemas/Error"


def test_the_docs_load_swagger_ui_from_our_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert not any(cdn in page for cdn in CDNS)
    # No inline script: the page's own script is fetched from the same URL.
    assert "<script>" not in page.replace(" ", "")
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()
    assert not any(cdn in script.content.decode() for cdn in CDNS)
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{name}"), name


def test_the_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"psoasquiz API" in response.content
    assert "tokenAuth" in StringIO(response.content.decode()).read()
