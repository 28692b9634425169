"""A learning platform for the LTI tests, played by lti1p3platform (an LMS-side implementation).

It signs logins and launches with its own RSA key, checks the tool's deep-linking responses and
token requests against the tool's published JWKS, and answers the tool's service calls (token,
scores, line items, members) through `responses`, which routes the tool's outgoing HTTP to these
handlers: only the network boundary is replaced.
"""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, parse_qsl, urlencode, urlparse

import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import RequestFactory
from lti1p3platform.framework.django.oidc_login import DjangoAPIOIDCLogin
from lti1p3platform.framework.django.request import DjangoRequest
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService, NamesRoleProvisioningService

ISSUER = "https://lms.test"
CLIENT_ID = "psoasquiz-client"
DEPLOYMENT_ID = "deployment-1"
AUTH_URL = f"{ISSUER}/mod/lti/auth.php"
TOKEN_URL = f"{ISSUER}/mod/lti/token.php"
KEYSET_URL = f"{ISSUER}/mod/lti/certs.php"
LINEITEMS_URL = f"{ISSUER}/ags/course-1/lineitems"
MEMBERS_URL = f"{ISSUER}/nrps/course-1/members"
DEEP_LINK_RETURN_URL = f"{ISSUER}/mod/lti/contentitem_return.php"
TOOL = "http://testserver"

LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
LEARNER = [LIS + "Learner"]
INSTRUCTOR = [LIS + "Instructor"]
CONTEXT = {"context_id": "course-1", "context_title": "Psoas anatomy, spring cohort"}


def rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class _Conf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs):
        self.lms = kwargs["lms"]

    def get_registration_by_params(self, **kwargs):
        lms = self.lms
        return (
            Registration()
            .set_iss(lms.issuer)
            .set_client_id(lms.client_id)
            .set_deployment_id(lms.deployment_id)
            .set_oidc_login_url(f"{TOOL}/lti/login/")
            .set_launch_url(f"{TOOL}/lti/launch/")
            .set_deeplink_launch_url(f"{TOOL}/lti/launch/")
            .set_platform_private_key(lms.private_key)
            .set_platform_public_key(lms.public_key)
            .set_tool_key_set(lms.tool_jwks)
        )


class _Launch(LTIAdvantageMessageLaunchAbstract):
    # The library's Django launch renders its form with Jinja; the tests post the fields directly.
    def render_launch_form(self, launch_data, **kwargs):
        return launch_data


class _Login(DjangoAPIOIDCLogin):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = kwargs["hint"]


class _Ags(AssignmentsGradesService):
    lms = None

    def find_lineitems(
        self,
        page=1,
        limit=None,
        line_item_id=None,
        resource_link_id=None,
        resource_id=None,
        tag=None,
        **kwargs,
    ):
        items = list(self.lms.lineitems.values())
        if resource_link_id:
            items = [i for i in items if i.get("resourceLinkId") == resource_link_id]
        return {"content": items, "has_next": False, "next": None}

    def find_lineitem(self, line_item_id):
        return self.lms.lineitems[line_item_id]

    def create_lineitem(self, creation_data):
        number = str(len(self.lms.lineitems) + 1)
        item = dict(creation_data, id=f"{LINEITEMS_URL}/{number}")
        self.lms.lineitems[number] = item
        return item

    def update_lineitem(self, update_data):
        raise NotImplementedError

    def delete_lineitem(self, line_item_id):
        raise NotImplementedError

    def update_score(self, line_item_id, score):
        self.lms.scores.append((line_item_id, score))
        return UpdateScoreStatus.SUCCESS

    def get_results(self, line_item_id, page=1, limit=None, user_id=None):
        raise NotImplementedError


class _Nrps(NamesRoleProvisioningService):
    lms = None

    def get_member_data_page(self, page=1, limit=None, role=None, since=None, **kwargs):
        return {"content": list(self.lms.members), "has_next": False, "next": None}

    def get_context_by_id(self):
        return Context(id="course-1", label="PSOAS-1", title=CONTEXT["context_title"])


@dataclass
class FakeLms:
    """The platform's side: its key, what it received from the tool, and its roster."""

    issuer: str = ISSUER
    client_id: str = CLIENT_ID
    deployment_id: str = DEPLOYMENT_ID
    private_key: str = ""
    public_key: str = ""
    tool_jwks: dict = field(default_factory=dict)
    scores: list = field(default_factory=list)
    lineitems: dict = field(default_factory=dict)
    members: list = field(default_factory=list)
    # Status codes the score endpoint answers with before it starts accepting, in order.
    score_failures: list = field(default_factory=list)
    token_requests: int = 0

    def __post_init__(self):
        if not self.private_key:
            self.private_key, self.public_key = rsa_pair()

    @property
    def conf(self) -> _Conf:
        return _Conf(lms=self)

    def jwks(self) -> dict:
        return {"keys": Registration().set_platform_public_key(self.public_key).get_jwks()}

    # --- the browser's part: login and launch ------------------------------------------------

    def login_url(self, *, user_id: str, hint: str = "launch") -> str:
        login = _Login(None, self.conf)
        login.set_lti_message_hint(hint=hint)
        return login.prepare_preflight_url(user_id)

    def id_token(
        self,
        preflight: dict,
        *,
        sub,
        roles,
        resource_link=None,
        custom=None,
        deep_link=False,
        ags=True,
        nrps=True,
        context=True,
        name="Asha Rao",
        email="asha@example.org",
        expires_in=300,
        claims=None,
    ):
        """Answer the tool's OIDC authentication request the way an LMS would: a signed launch."""
        request = DjangoRequest(RequestFactory().get("/mod/lti/auth.php", preflight))
        launch = _Launch(request, self.conf)
        launch._registration = self.conf.get_registration()
        launch.validate_preflight_response(preflight)
        launch.set_id_token_expiration(expires_in)
        launch.set_user_data(sub, roles, full_name=name, email_address=email)
        if context:
            launch.set_launch_context_claim(
                CONTEXT["context_id"], context_title=CONTEXT["context_title"]
            )
        if resource_link:
            launch.set_resource_link_claim(resource_link, title="Psoas quiz")
        if custom:
            launch.set_custom_parameters_claim(custom)
        if ags and resource_link:
            launch.set_ags(LINEITEMS_URL, self.lineitem_for(resource_link))
        if nrps:
            launch.set_nrps(MEMBERS_URL)
        if deep_link:
            launch.set_dl(
                DEEP_LINK_RETURN_URL,
                accept_types={"ltiResourceLink"},
                extra_data={"course": "course-1"},
            )
        if claims:
            launch.set_extra_claims(claims)
        return launch.generate_launch_request()

    def lineitem_for(self, resource_link: str) -> str | None:
        for number, item in self.lineitems.items():
            if item.get("resourceLinkId") == resource_link:
                return f"{LINEITEMS_URL}/{number}"
        return None

    def launch(
        self,
        client,
        *,
        sub,
        roles,
        resource_link=None,
        custom=None,
        deep_link=False,
        tamper=None,
        **kwargs,
    ):
        """Login initiation, the platform's answer, and the form post: the tool's response."""
        answer = client.get(self.login_url(user_id=sub))
        assert answer.status_code == 302, answer.content.decode()[:500]
        preflight = dict(parse_qsl(urlparse(answer["Location"]).query))
        assert preflight["redirect_uri"] == f"{TOOL}/lti/launch/"
        data = self.id_token(
            preflight,
            sub=sub,
            roles=roles,
            resource_link=resource_link,
            custom=custom,
            deep_link=deep_link,
            **kwargs,
        )
        if tamper:
            data = tamper(data, preflight)
        return client.post("/lti/launch/", data)

    def deep_link_items(self, token: str) -> list[dict]:
        return self.conf_with_registration().validate_deeplinking_resp({"JWT": token})

    def conf_with_registration(self) -> _Conf:
        conf = self.conf
        conf.get_registration()
        return conf

    def place_link(self, resource_link: str, item: dict) -> None:
        """What the LMS does with a deep-linked item: a resource link and its grade column."""
        number = str(len(self.lineitems) + 1)
        self.lineitems[number] = dict(
            item["lineItem"], id=f"{LINEITEMS_URL}/{number}", resourceLinkId=resource_link
        )

    # --- the server's part: what the tool calls ----------------------------------------------

    def serve(self, mock: responses.RequestsMock) -> None:
        mock.add_callback(responses.GET, KEYSET_URL, callback=self._keyset)
        mock.add_callback(responses.POST, TOKEN_URL, callback=self._token)
        mock.add_callback(
            responses.POST,
            re.compile(re.escape(LINEITEMS_URL) + r"/\d+/scores"),
            callback=self._score,
        )
        mock.add_callback(
            responses.GET,
            re.compile(re.escape(LINEITEMS_URL) + r"(\?.*)?$"),
            callback=self._lineitems,
        )
        mock.add_callback(responses.POST, LINEITEMS_URL, callback=self._lineitems)
        mock.add_callback(
            responses.GET, re.compile(re.escape(MEMBERS_URL) + r"(\?.*)?$"), callback=self._members
        )

    def _keyset(self, request):
        return 200, {"Content-Type": "application/json"}, json.dumps(self.jwks())

    def _token(self, request):
        self.token_requests += 1
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        conf = self.conf_with_registration()
        try:
            token = conf.get_access_token(form)
        except Exception as error:  # the platform's refusal, as JSON
            return 400, {"Content-Type": "application/json"}, json.dumps({"error": str(error)})
        return 200, {"Content-Type": "application/json"}, json.dumps(token)

    def _django(self, request):
        url = urlparse(request.url)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        django_request = RequestFactory().generic(
            request.method,
            url.path + (f"?{url.query}" if url.query else ""),
            data=body,
            content_type=request.headers.get("Content-Type", "application/json"),
            HTTP_AUTHORIZATION=request.headers.get("Authorization", ""),
        )
        return DjangoRequest(django_request)

    @staticmethod
    def _reply(resp):
        return (
            resp.code,
            {"Content-Type": resp.media_type},
            json.dumps(
                resp.result
                if 200 <= resp.code < 300 and resp.result is not None
                else {"error": resp.message}
            ),
        )

    def _ags(self, request):
        service = _Ags(self._django(request), self.conf_with_registration(), LINEITEMS_URL)
        service.lms = self
        return service

    def _score(self, request):
        if self.score_failures:
            return self.score_failures.pop(0), {}, "platform unavailable"
        number = urlparse(request.url).path.rstrip("/").split("/")[-2]
        service = self._ags(request)
        return self._reply(service.handle_resp(service.handle_update_score, line_item_id=number))

    def _lineitems(self, request):
        service = self._ags(request)
        if request.method == "POST":
            return self._reply(service.handle_resp(service.handle_create_lineitem))
        response = service.handle_resp(service.handle_get_lineitems)
        if 200 <= response.code < 300:
            return (
                200,
                {"Content-Type": response.media_type},
                json.dumps(response.result["content"]),
            )
        return self._reply(response)

    def _members(self, request):
        service = _Nrps(self._django(request), self.conf_with_registration(), MEMBERS_URL)
        service.lms = self
        return self._reply(service.handle_resp(service.handle_get_members))


def registration_args(lms: FakeLms) -> list[str]:
    return [
        "--issuer",
        lms.issuer,
        "--client-id",
        lms.client_id,
        "--login-url",
        AUTH_URL,
        "--token-url",
        TOKEN_URL,
        "--keyset-url",
        KEYSET_URL,
        "--deployment-id",
        lms.deployment_id,
        "--name",
        "Test Moodle",
    ]


def query(url: str) -> dict:
    return dict(parse_qsl(urlparse(url).query))


__all__ = ["FakeLms", "registration_args", "query", "urlencode"]
