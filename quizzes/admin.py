"""The admin site: a staff tool for support, not where instructors work."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from quizzes import models
from quizzes.interchange.svg import read_diagram


@admin.register(models.User)
class PsoasUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "email", "role", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("psoasquiz", {"fields": ("role", "display_name")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("psoasquiz", {"fields": ("role",)}))


@admin.register(models.QuestionBank)
class QuestionBankAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "topic", "owner", "visibility")
    list_filter = ("topic", "visibility")
    search_fields = ("title", "slug")
    filter_horizontal = ("shared_with",)


class OptionInline(admin.TabularInline):
    model = models.Option
    extra = 0
    fields = ("position", "text", "fraction", "is_myth", "feedback", "data")
    # Versions are immutable: history must never change under an attempt that used it.
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.QuestionVersion)
class QuestionVersionAdmin(admin.ModelAdmin):
    list_display = ("question", "number", "qtype", "difficulty", "created_at")
    list_filter = ("qtype", "difficulty", "question__bank")
    search_fields = ("question__key", "prompt")
    inlines = [OptionInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("key", "bank", "current_version", "archived_at")
    list_filter = ("bank", "tags")
    search_fields = ("key",)
    raw_id_fields = ("current_version",)
    filter_horizontal = ("tags",)


admin.site.register(models.Tag)


class DiagramForm(forms.ModelForm):
    """The same checks as a diagram loaded from a bank folder; the regions are read from it."""

    class Meta:
        model = models.Diagram
        fields = ("slug", "title", "svg")

    def clean_svg(self):
        svg = self.cleaned_data["svg"]
        read = read_diagram(svg)
        if read.problems:
            raise forms.ValidationError(list(read.problems))
        self.instance.regions = read.regions
        return svg


@admin.register(models.Diagram)
class DiagramAdmin(admin.ModelAdmin):
    form = DiagramForm
    list_display = ("slug", "title", "updated_at")
    readonly_fields = ("regions",)


class QuizItemInline(admin.TabularInline):
    model = models.QuizItem
    extra = 0
    raw_id_fields = ("question",)


class QuizDrawInline(admin.TabularInline):
    model = models.QuizDraw
    extra = 0


@admin.register(models.Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "owner", "grading_method", "feedback_timing")
    search_fields = ("title", "slug")
    inlines = [QuizItemInline, QuizDrawInline]


class EnrollmentInline(admin.TabularInline):
    model = models.Enrollment
    extra = 0
    raw_id_fields = ("student",)


@admin.register(models.Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ("name", "join_code", "desired_retention", "exam_date")
    search_fields = ("name", "join_code")
    filter_horizontal = ("instructors",)
    inlines = [EnrollmentInline]


class ExtensionInline(admin.TabularInline):
    model = models.Extension
    extra = 0
    raw_id_fields = ("student",)


@admin.register(models.Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("quiz", "classroom", "opens_at", "due_at", "closes_at")
    list_filter = ("classroom",)
    inlines = [ExtensionInline]


class AnswerInline(admin.TabularInline):
    model = models.Answer
    extra = 0
    fields = ("position", "question_version", "response", "fraction", "time_taken_ms", "saved_at")
    readonly_fields = fields
    can_delete = False


@admin.register(models.Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("student", "quiz", "number", "state", "fraction", "started_at", "submitted_at")
    list_filter = ("state", "quiz")
    raw_id_fields = ("student", "assignment")
    inlines = [AnswerInline]


@admin.register(models.CardState)
class CardStateAdmin(admin.ModelAdmin):
    list_display = ("student", "question", "phase", "due", "reps", "lapses", "is_leech")
    list_filter = ("phase", "is_leech")
    raw_id_fields = ("student", "question")


@admin.register(models.ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    list_display = ("card", "rating", "source", "reviewed_at")
    list_filter = ("source", "rating")
    raw_id_fields = ("card", "question_version", "answer")


# LTI registrations live beside the LTI code; importing the module registers them.
import quizzes.lti.admin  # noqa: E402, F401
