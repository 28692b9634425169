"""LTI 1.3: the learning platforms (Moodle, Canvas, Open edX) that launch psoasquiz, who and what
their launches map to here, and the grades owed back to them.

A platform is identified by its issuer and the client id it gave us; a deployment is one
installation of the tool inside it. Everything a launch creates hangs off those two.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class LtiToolKey(models.Model):
    """psoasquiz's own RSA key pair: signs deep-linking responses and service token requests.

    The public half is published at /lti/jwks/. Only one key is active; retired keys stay
    published until platforms have stopped caching them.
    """

    kid = models.CharField(max_length=100, unique=True)
    private_key = models.TextField()
    public_key = models.TextField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Two processes generating the first key at once: one insert wins, the other re-reads.
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="lti_one_active_tool_key"
            ),
        ]
        verbose_name = "LTI tool key"

    def __str__(self) -> str:
        return f"{self.kid}{'' if self.active else ' (retired)'}"


class LtiPlatform(models.Model):
    name = models.CharField(max_length=200, help_text="Shown to staff, e.g. “Moodle at Riverside”.")
    issuer = models.CharField(max_length=255, help_text="The platform's issuer (iss), a URL.")
    client_id = models.CharField(max_length=255, help_text="The client id the platform gave us.")
    auth_login_url = models.URLField(
        "authentication request URL", max_length=500, help_text="Where the OIDC login goes."
    )
    auth_token_url = models.URLField(
        "access token URL", max_length=500, help_text="Where service access tokens come from."
    )
    # Some platforms (Canvas, Blackboard) expect another audience in token requests than the URL.
    auth_audience = models.CharField(max_length=500, blank=True)
    keyset_url = models.URLField("public keyset URL", max_length=500, blank=True)
    # A keyset pasted in by hand, for platforms that publish no URL.
    keyset = models.JSONField(null=True, blank=True)
    frame_ancestors = models.TextField(
        blank=True,
        help_text="Origins allowed to show psoasquiz in a frame after a launch from this "
        "platform, one per line, e.g. https://moodle.example.org",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "client_id"], name="lti_platform_issuer_client_unique"
            ),
            models.CheckConstraint(
                condition=~Q(keyset_url="") | Q(keyset__isnull=False),
                name="lti_platform_has_keys",
            ),
        ]
        verbose_name = "LTI platform"

    def __str__(self) -> str:
        return self.name or self.issuer

    @property
    def frame_origins(self) -> list[str]:
        return [line.strip() for line in self.frame_ancestors.split() if line.strip()]


class LtiDeployment(models.Model):
    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(max_length=255)

    class Meta:
        ordering = ["platform", "deployment_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "deployment_id"], name="lti_deployment_unique"
            ),
        ]
        verbose_name = "LTI deployment"

    def __str__(self) -> str:
        return f"{self.platform} · {self.deployment_id}"


class LtiUser(models.Model):
    """A platform's user (its stable `sub`) and the psoasquiz account it launches as."""

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="users")
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "sub"], name="lti_user_sub_unique"),
        ]
        verbose_name = "LTI user"

    def __str__(self) -> str:
        return f"{self.user} ← {self.platform} {self.sub}"


class LtiContext(models.Model):
    """A course in the platform, taught here as one class."""

    deployment = models.ForeignKey(LtiDeployment, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    classroom = models.OneToOneField(
        "quizzes.Classroom", on_delete=models.CASCADE, related_name="lti_context"
    )
    # From the latest launch that carried it: where the Names and Roles service lists members.
    memberships_url = models.URLField(max_length=500, blank=True)
    roster_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deployment", "context_id"], name="lti_context_unique"),
        ]
        verbose_name = "LTI context"

    def __str__(self) -> str:
        return f"{self.title or self.context_id} ({self.deployment})"


class LtiResourceLink(models.Model):
    """A placement of a quiz in a course: launches of it open the assignment."""

    context = models.ForeignKey(LtiContext, on_delete=models.CASCADE, related_name="links")
    resource_link_id = models.CharField(max_length=255)
    assignment = models.ForeignKey(
        "quizzes.Assignment", on_delete=models.CASCADE, related_name="lti_links"
    )
    # The Assignment and Grade Services claim of the latest launch: where scores go.
    lineitem_url = models.URLField(max_length=500, blank=True)
    lineitems_url = models.URLField(max_length=500, blank=True)
    ags_scopes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["context", "resource_link_id"], name="lti_resource_link_unique"
            ),
        ]
        verbose_name = "LTI resource link"

    def __str__(self) -> str:
        return f"{self.resource_link_id} → {self.assignment}"


class GradeStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed; no more automatic tries"


class GradeSubmission(models.Model):
    """The grade owed to the platform for one student on one resource link.

    One row per (link, student): a newer grade replaces an unsent one, so the platform only
    ever receives the latest.
    """

    link = models.ForeignKey(LtiResourceLink, on_delete=models.CASCADE, related_name="grades")
    lti_user = models.ForeignKey(LtiUser, on_delete=models.CASCADE, related_name="grades")
    # Share of the marks, 0..1, by the quiz's grading method across the student's attempts.
    fraction = models.DecimalField(max_digits=6, decimal_places=5)
    status = models.CharField(
        max_length=16, choices=GradeStatus.choices, default=GradeStatus.PENDING
    )
    # When the grade changed; the score's timestamp, so that a retry never looks newer than a
    # later grade and platforms keep the latest.
    graded_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-graded_at"]
        constraints = [
            models.UniqueConstraint(fields=["link", "lti_user"], name="lti_grade_once_per_link"),
            models.CheckConstraint(
                condition=Q(fraction__gte=0, fraction__lte=1), name="lti_grade_fraction_0_to_1"
            ),
            models.CheckConstraint(
                condition=Q(status__in=GradeStatus.values), name="lti_grade_status_known"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_try_at"], name="lti_grade_due")]

    def __str__(self) -> str:
        return f"{self.lti_user} · {self.link}: {self.status}"


class LtiLaunchValue(models.Model):
    """Short-lived OIDC state: nonces between login and launch, launch data for deep linking.

    Kept in the database rather than a per-process cache so that the login and the launch may
    reach different app server processes.
    """

    key = models.CharField(max_length=255, unique=True)
    value = models.JSONField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "LTI launch value"

    def __str__(self) -> str:
        return self.key
