"""Let the launching platform show psoasquiz in its frame, and nobody else.

The site sends `X-Frame-Options: DENY` everywhere. A session that came through an LTI launch
gets `Content-Security-Policy: frame-ancestors 'self' <origins>` instead, with the origins the
platform's registration lists; a session that never launched keeps DENY.
"""

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
        if origins and "Content-Security-Policy" not in response:
            response.xframe_options_exempt = True
            response["Content-Security-Policy"] = "frame-ancestors 'self' " + " ".join(origins)
        return response
