"""pylti1p3's view of our registrations: LtiPlatform and LtiDeployment rows plus the tool key."""

from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract

from quizzes.lti.keys import tool_key
from quizzes.models import LtiDeployment, LtiPlatform


def registration_for(platform: LtiPlatform) -> Registration:
    key = tool_key()
    registration = (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.auth_token_url)
        .set_key_set_url(platform.keyset_url or None)
        .set_key_set(platform.keyset or None)
        .set_tool_private_key(key.private_key)
        .set_tool_public_key(key.public_key)
    )
    if platform.auth_audience:
        registration.set_auth_audience(platform.auth_audience)
    return registration


def find_platform(issuer: str, client_id: str | None) -> LtiPlatform | None:
    """The active platform; without a client id only when the issuer has just one."""
    platforms = LtiPlatform.objects.filter(issuer=issuer, is_active=True)
    if client_id:
        return platforms.filter(client_id=client_id).first()
    found = list(platforms[:2])
    return found[0] if len(found) == 1 else None


class PlatformToolConf(ToolConfAbstract):
    """Always "many clients per issuer": one Moodle may register psoasquiz more than once."""

    def __init__(self):
        super().__init__()
        self.platform: LtiPlatform | None = None

    def check_iss_has_one_client(self, iss):
        return False

    def check_iss_has_many_clients(self, iss):
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = find_platform(iss, client_id)
        if platform is None:
            return None
        self.platform = platform
        return registration_for(platform)

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = find_platform(iss, client_id)
        if platform is None:
            return None
        if not LtiDeployment.objects.filter(
            platform=platform, deployment_id=deployment_id
        ).exists():
            return None
        return Deployment().set_deployment_id(deployment_id)
