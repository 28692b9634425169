"""Admin for LTI registrations: staff change or deactivate platforms and see grades owed."""

from django.contrib import admin

from quizzes import models


class DeploymentInline(admin.TabularInline):
    model = models.LtiDeployment
    extra = 1


@admin.register(models.LtiPlatform)
class LtiPlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "issuer", "client_id", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "issuer", "client_id")
    inlines = [DeploymentInline]


@admin.register(models.LtiToolKey)
class LtiToolKeyAdmin(admin.ModelAdmin):
    list_display = ("kid", "active", "created_at")
    # The private key never leaves the server, not even onto a staff member's screen.
    exclude = ("private_key",)
    readonly_fields = ("kid", "public_key", "created_at")


@admin.register(models.LtiUser)
class LtiUserAdmin(admin.ModelAdmin):
    list_display = ("user", "platform", "sub", "created_at")
    list_select_related = ("user", "platform")
    search_fields = ("sub", "user__username")
    raw_id_fields = ("user",)


@admin.register(models.LtiContext)
class LtiContextAdmin(admin.ModelAdmin):
    list_display = ("title", "context_id", "deployment", "classroom", "roster_synced_at")
    list_select_related = ("deployment__platform", "classroom")
    raw_id_fields = ("classroom",)


@admin.register(models.LtiResourceLink)
class LtiResourceLinkAdmin(admin.ModelAdmin):
    list_display = ("resource_link_id", "context", "assignment")
    list_select_related = (
        "context__deployment__platform",
        "assignment__quiz",
        "assignment__classroom",
    )
    raw_id_fields = ("assignment",)


@admin.register(models.GradeSubmission)
class GradeSubmissionAdmin(admin.ModelAdmin):
    list_display = ("lti_user", "link", "fraction", "status", "tries", "next_try_at", "sent_at")
    list_filter = ("status",)
    list_select_related = ("lti_user__user", "lti_user__platform", "link__assignment__quiz")
    raw_id_fields = ("link", "lti_user")
