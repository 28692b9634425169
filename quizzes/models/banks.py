"""Question banks and versioned questions.

A question's content lives in immutable `QuestionVersion` rows; editing makes a new version, and
attempts, answers and reviews point at the version they used, so history never changes.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class QuestionType(models.TextChoices):
    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_RESPONSE = "multiple_response", "Multiple response"
    TRUE_FALSE = "true_false", "True / false"
    SHORT_ANSWER = "short_answer", "Short answer"
    NUMERIC = "numeric", "Numeric"
    MATCHING = "matching", "Matching"
    ORDERING = "ordering", "Ordering"
    CLOZE = "cloze", "Fill in the blanks"
    FLASHCARD = "flashcard", "Flashcard"
    HOTSPOT = "hotspot", "Hotspot"


class Topic(models.TextChoices):
    ANATOMY = "anatomy", "Anatomy"
    ACTIONS = "actions", "Actions"
    MYTHS = "myths", "Myths and evidence"
    TEACHING = "teaching", "Assessment and teaching"
    OTHER = "other", "Other"


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private to the owner"
    SHARED = "shared", "Shared with named instructors"
    PUBLIC = "public", "Public to all instructors"


class QuestionBank(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=16, choices=Topic.choices, default=Topic.OTHER)
    description = models.TextField(blank=True)
    # Bundled banks have no owner: they belong to the site and are public.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_banks",
    )
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shared_banks"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="bank_visibility_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Tag(models.Model):
    name = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Diagram(models.Model):
    """An SVG drawing whose elements marked `data-region` are the targets of hotspot questions."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    svg = models.TextField()
    # {region id: human name}, read from the SVG when it is loaded.
    regions = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """The stable identity of a question; its content is in `versions`."""

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions")
    # Stable identifier within the bank, used by bank files and imports to find the question again.
    key = models.SlugField(max_length=100)
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    current_version = models.ForeignKey(
        "QuestionVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A question that has been answered is archived, never deleted.
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["bank", "key"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "key"], name="question_key_unique_in_bank"),
        ]

    def __str__(self) -> str:
        return f"{self.bank.slug}/{self.key}"


class QuestionVersion(models.Model):
    """Immutable content of one question at one point in time."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    qtype = models.CharField("type", max_length=24, choices=QuestionType.choices)
    prompt = models.TextField(help_text="Markdown. For flashcards, the front.")
    explanation = models.TextField(help_text="Markdown: why the right answer is right.")
    source = models.TextField(
        help_text="Where the claim comes from and the reference for the fact."
    )
    difficulty = models.PositiveSmallIntegerField(default=2)
    # Type-specific settings: flashcard back, numeric unit, hotspot diagram, ordering policy.
    config = models.JSONField(default=dict, blank=True)
    # Hash of everything above and of the options: an import that would change nothing is skipped.
    content_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    change_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="question_version_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=5), name="version_difficulty_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(qtype__in=QuestionType.values), name="version_type_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question} v{self.number}"


class Option(models.Model):
    """One answer choice (or accepted answer, pair, item, blank answer or region) of a version.

    `fraction` is the share of the question's marks the option carries, from -1 to 1, as in
    Moodle's GIFT weights. `data` holds what a type needs beyond text: a numeric value and
    tolerance, the prompt a matching answer belongs to, the blank a cloze answer fills, the region
    a hotspot option names.
    """

    version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    fraction = models.DecimalField(max_digits=6, decimal_places=5, default=0)
    feedback = models.TextField(blank=True)
    # Marks a wrong option that states a popular myth, for the myth-prevalence report.
    is_myth = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="option_position_unique"),
            models.CheckConstraint(
                condition=Q(fraction__gte=-1, fraction__lte=1), name="option_fraction_in_range"
            ),
            models.CheckConstraint(
                condition=~Q(is_myth=True, fraction__gt=0), name="option_myth_only_when_wrong"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]
