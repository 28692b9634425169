"""Let the launching platform show psoasquiz in its frame, and nobody else.

The site sends `X-Frame-Options: DENY` and `frame-ancestors 'none'` everywhere. A session that
came through an LTI launch gets `frame-ancestors 'self' <origins>` instead (and no
X-Frame-Options), with the origins the platform's registration lists; a session that never
launched keeps DENY. This middleware only decides; quizzes/csp.py writes the header.
"""

from quizzes import csp

SESSION_FRAME_ORIGINS = "lti_frame_origins"


def remember_platform_frame(request, platform) -> None:
    """Called after the launch logs the user in (login() starts a fresh session)."""
    request.session[SESSION_FRAME_ORIGINS] = platform.frame_origins


class LtiFrameAncestorsMiddleware:
    """Sits below XFrameOptionsMiddleware, so it sees the response first and can exempt it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only read a session that exists: reading an empty one would add Vary: Cookie to every
        # anonymous page.
        if session is None or not session.session_key:
            return response
        origins = session.get(SESSION_FRAME_ORIGINS)
        if origins:
            response.xframe_options_exempt = True
            csp.frame_ancestors(response, ["'self'", *origins])
        return response
