"""Serializers: one per endpoint's shape, read-only mappings of what a selector or service
returned. No queries and no decisions here: what may be shown was settled before (selectors,
`quizzes.api.presenting`), and every related row a serializer reads was loaded with it."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from quizzes.models import (
    Assignment,
    Attempt,
    Classroom,
    Enrollment,
    Option,
    Question,
    QuestionBank,
    QuestionVersion,
    Quiz,
    User,
)
from quizzes.models.banks import QuestionType
from quizzes.models.memory import Rating

# The largest id the API reads (ids in paths are bounded the same way, in urls.py).
MAX_ID = 10**18 - 1

# --- shared small pieces ------------------------------------------------------------------------


class RoleField(serializers.Field):
    """A constant naming which caller's shape this is ("instructor" or "student"), so that
    clients and the schema tell the two shapes of one endpoint apart."""

    def __init__(self, role: str, **kwargs):
        self.role = role
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return self.role

    def to_representation(self, value):
        return value


class RoleFieldSchema(OpenApiSerializerFieldExtension):
    target_class = RoleField

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "enum": [self.target.role]}


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: e.g. not_found, invalid.")
    message = serializers.CharField(help_text="A sentence for a person.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Problems per request field (validation errors); empty otherwise.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# --- banks and questions ------------------------------------------------------------------------


class BankSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", allow_null=True, default=None)
    question_count = serializers.IntegerField(help_text="Questions in use (not archived).")

    class Meta:
        model = QuestionBank
        fields = [
            "id",
            "slug",
            "title",
            "topic",
            "description",
            "visibility",
            "owner",
            "question_count",
            "created_at",
        ]


class VersionSummarySerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(source="qtype", choices=QuestionType.choices)

    class Meta:
        model = QuestionVersion
        fields = ["id", "number", "type", "prompt", "created_at"]


class QuestionSerializer(serializers.ModelSerializer):
    bank = serializers.IntegerField(source="bank_id")
    bank_slug = serializers.CharField(source="bank.slug")
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    current_version = VersionSummarySerializer(allow_null=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "bank",
            "bank_slug",
            "key",
            "tags",
            "current_version",
            "created_at",
            "archived_at",
        ]


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["position", "text", "fraction", "feedback", "is_myth", "data"]


class VersionSerializer(serializers.ModelSerializer):
    """A version as its authors see it, right answers included (instructors only)."""

    type = serializers.ChoiceField(source="qtype", choices=QuestionType.choices)
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    options = OptionSerializer(many=True)

    class Meta:
        model = QuestionVersion
        fields = [
            "id",
            "question",
            "number",
            "type",
            "prompt",
            "explanation",
            "source",
            "difficulty",
            "config",
            "options",
            "change_note",
            "created_by",
            "created_at",
        ]


# --- quizzes and classes --------------------------------------------------------------------


class QuizSerializer(serializers.ModelSerializer):
    class Meta:
        model = Quiz
        fields = [
            "id",
            "slug",
            "title",
            "description",
            "time_limit_seconds",
            "attempts_allowed",
            "grading_method",
            "feedback_timing",
            "pass_mark",
            "opens_at",
            "closes_at",
        ]


class QuizRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Quiz
        fields = ["id", "slug", "title"]


class ClassRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Classroom
        fields = ["id", "name"]


class TeacherClassSerializer(serializers.ModelSerializer):
    role = RoleField("instructor")
    student_count = serializers.IntegerField()
    assignment_count = serializers.IntegerField()

    class Meta:
        model = Classroom
        fields = [
            "role",
            "id",
            "name",
            "join_code",
            "join_code_expires_at",
            "exam_date",
            "desired_retention",
            "new_cards_per_day",
            "reviews_per_day",
            "student_count",
            "assignment_count",
            "created_at",
        ]


class StudentClassSerializer(serializers.ModelSerializer):
    role = RoleField("student")

    class Meta:
        model = Classroom
        fields = ["role", "id", "name", "exam_date"]


class EnrollmentSerializer(serializers.ModelSerializer):
    student = PersonSerializer()

    class Meta:
        model = Enrollment
        fields = ["id", "student", "joined_at"]


# --- assignments and attempts -------------------------------------------------------------------


class TeacherAssignmentSerializer(serializers.ModelSerializer):
    role = RoleField("instructor")
    quiz = QuizRefSerializer()
    classroom = ClassRefSerializer()
    attempt_count = serializers.IntegerField()
    extension_count = serializers.IntegerField()

    class Meta:
        model = Assignment
        fields = [
            "role",
            "id",
            "quiz",
            "classroom",
            "opens_at",
            "due_at",
            "closes_at",
            "attempt_count",
            "extension_count",
            "created_at",
        ]


class StudentAssignmentSerializer(serializers.Serializer):
    """One row of the student's assignments (`selectors.home.AssignmentRow`): the dates that
    apply to this student, extensions included."""

    role = RoleField("student")
    id = serializers.IntegerField(source="assignment.pk")
    quiz = QuizRefSerializer(source="assignment.quiz")
    classroom = ClassRefSerializer(source="assignment.classroom")
    opens_at = serializers.DateTimeField(source="window.opens_at", allow_null=True)
    due_at = serializers.DateTimeField(source="window.due_at", allow_null=True)
    closes_at = serializers.DateTimeField(source="window.closes_at", allow_null=True)
    status = serializers.ChoiceField(
        choices=["not_open", "not_started", "in_progress", "done", "closed"]
    )
    attempts_used = serializers.IntegerField(source="assignment.attempts_used")
    attempts_left = serializers.IntegerField(
        allow_null=True, help_text="null when the quiz allows any number of attempts."
    )
    best_fraction = serializers.DecimalField(
        source="assignment.best_fraction", max_digits=6, decimal_places=5, allow_null=True
    )
    open_attempt = serializers.IntegerField(source="assignment.open_attempt_id", allow_null=True)
    overdue = serializers.BooleanField()
    extended = serializers.BooleanField(help_text="An extension moved this student's dates.")


class AttemptSummarySerializer(serializers.ModelSerializer):
    quiz = QuizRefSerializer()

    class Meta:
        model = Attempt
        fields = [
            "id",
            "quiz",
            "assignment",
            "number",
            "state",
            "started_at",
            "deadline_at",
            "submitted_at",
            "revision",
        ]


class ChoiceSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send this to choose it; '1' is the first shown.")
    html = serializers.CharField()
    selected = serializers.BooleanField()


class MatchRowSerializer(serializers.Serializer):
    token = serializers.CharField()
    prompt_html = serializers.CharField()
    selected = serializers.CharField(help_text="The answer token chosen for this row, or ''.")


class BlankSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    choices = serializers.ListField(child=serializers.CharField())
    value = serializers.CharField(allow_blank=True)


class ShownQuestionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=QuestionType.choices)
    prompt_html = serializers.CharField()
    answered = serializers.BooleanField()
    choices = ChoiceSerializer(many=True)
    rows = MatchRowSerializer(many=True)
    text_value = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True)
    blanks = BlankSerializer(many=True)
    diagram_title = serializers.CharField(allow_blank=True)
    diagram_svg = serializers.CharField(allow_blank=True)
    regions = ChoiceSerializer(many=True)


class ReviewedChoiceSerializer(serializers.Serializer):
    html = serializers.CharField()
    chosen = serializers.BooleanField()
    right = serializers.BooleanField()
    feedback_html = serializers.CharField(allow_blank=True)


class ReviewedQuestionSerializer(serializers.Serializer):
    """A released answer; parts the quiz does not release are empty (or null)."""

    position = serializers.IntegerField()
    type = serializers.CharField(source="qtype")
    prompt_html = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    answered = serializers.BooleanField()
    outcome = serializers.CharField(allow_blank=True)
    outcome_label = serializers.CharField(allow_blank=True)
    earned = serializers.DecimalField(max_digits=8, decimal_places=5, allow_null=True)
    choices = ReviewedChoiceSerializer(many=True)
    given_html = serializers.CharField(allow_blank=True)
    right_answer_html = serializers.CharField(allow_blank=True)
    feedback_html = serializers.ListField(child=serializers.CharField())
    explanation_html = serializers.CharField(allow_blank=True)
    source_html = serializers.CharField(allow_blank=True)


class AttemptQuestionSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    checked = serializers.BooleanField()
    question = ShownQuestionSerializer()
    feedback = ReviewedQuestionSerializer(allow_null=True)


class AttemptDetailSerializer(serializers.Serializer):
    """`attempt` plus `questions` (open) or `review` (closed); the other one is empty."""

    attempt = AttemptSummarySerializer()
    score = serializers.DecimalField(
        max_digits=6,
        decimal_places=5,
        allow_null=True,
        help_text="Share of the marks, 0..1: once closed, if the quiz shows scores.",
    )
    passed = serializers.BooleanField(allow_null=True)
    seconds_left = serializers.IntegerField(allow_null=True)
    questions = AttemptQuestionSerializer(many=True)
    review = ReviewedQuestionSerializer(many=True)


class AnswerInputSerializer(serializers.Serializer):
    response = serializers.JSONField(
        allow_null=True,
        help_text="The answer in tokens (see the examples), or null to clear it.",
    )
    revision = serializers.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        help_text="The attempt's revision your copy is from; a stale one is refused (409).",
    )
    spent_ms = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    check = serializers.BooleanField(
        default=False, help_text="Grade and lock the answer now (immediate-feedback quizzes)."
    )


class AnswerSavedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["saved"])
    revision = serializers.IntegerField()
    answered = serializers.BooleanField()
    feedback = ReviewedQuestionSerializer(allow_null=True)


# --- studying -----------------------------------------------------------------------------------


class RatingChoiceSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    label = serializers.CharField()
    interval = serializers.CharField(help_text="When the card would come back, in words.")


class StudyCardSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    version_id = serializers.IntegerField()
    reps = serializers.IntegerField(help_text="Send it back with the review.")
    is_new = serializers.BooleanField()
    question = ShownQuestionSerializer()
    revealed = serializers.BooleanField()
    back_html = serializers.CharField(allow_blank=True)
    explanation_html = serializers.CharField(allow_blank=True)
    source_html = serializers.CharField(allow_blank=True)
    ratings = RatingChoiceSerializer(many=True)


class StudyProgressSerializer(serializers.Serializer):
    new_done = serializers.IntegerField()
    new_limit = serializers.IntegerField()
    reviews_done = serializers.IntegerField()
    left = serializers.IntegerField()


class StudyQueueSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["card", "empty", "no_class", "no_deck"])
    progress = StudyProgressSerializer()
    card = StudyCardSerializer(allow_null=True)
    next_at = serializers.DateTimeField(allow_null=True)


class ReviewInputSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    version_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reps = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    rating = serializers.ChoiceField(
        choices=Rating.choices,
        required=False,
        help_text="Flashcards: 1 Again, 2 Hard, 3 Good, 4 Easy.",
    )
    response = serializers.JSONField(
        required=False, help_text="Questions: the answer in tokens, as for attempts."
    )
    duration_ms = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)


class StudyFeedbackSerializer(serializers.Serializer):
    """The study page's feedback on an answer: studying hides nothing once answered."""

    type = serializers.CharField(source="qtype")
    prompt_html = serializers.CharField()
    outcome = serializers.CharField()
    outcome_label = serializers.CharField()
    choices = ReviewedChoiceSerializer(many=True)
    given_html = serializers.CharField(allow_blank=True)
    right_answer_html = serializers.CharField(allow_blank=True)
    feedback_html = serializers.ListField(child=serializers.CharField())
    explanation_html = serializers.CharField(allow_blank=True)
    source_html = serializers.CharField(allow_blank=True)


class ReviewResultSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    rating_label = serializers.CharField()
    interval_seconds = serializers.IntegerField()
    interval_label = serializers.CharField()
    due = serializers.DateTimeField()
    buried = serializers.IntegerField(help_text="Related cards set aside until tomorrow.")
    feedback = StudyFeedbackSerializer(allow_null=True)


# --- reports --------------------------------------------------------------------------------


class TopicSerializer(serializers.Serializer):
    topic = serializers.CharField()
    label = serializers.CharField()
    cards = serializers.IntegerField()
    studied = serializers.IntegerField()
    mastery = serializers.FloatField()


class ForecastDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    offset = serializers.IntegerField()
    due = serializers.IntegerField()


class RetentionSerializer(serializers.Serializer):
    reviews = serializers.IntegerField()
    recalled = serializers.IntegerField()
    target = serializers.FloatField()
    rate = serializers.FloatField(allow_null=True)
    on_target = serializers.BooleanField()


class StreakSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    reviewed_today = serializers.BooleanField()


class ExamSerializer(serializers.Serializer):
    on = serializers.DateField()
    set_by = serializers.ChoiceField(choices=["student", "class"])
    classroom = ClassRefSerializer(allow_null=True)


class ExamOutlookSerializer(serializers.Serializer):
    exam = ExamSerializer()
    days_left = serializers.IntegerField()
    predicted_recall = serializers.FloatField(allow_null=True)
    studied = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    today = serializers.DateField()
    classes = ClassRefSerializer(many=True)
    topics = TopicSerializer(many=True)
    forecast = ForecastDaySerializer(many=True)
    retention = RetentionSerializer()
    streak = StreakSerializer()
    leeches = serializers.IntegerField()
    studied = serializers.IntegerField()
    deck_size = serializers.IntegerField()
    exam = ExamOutlookSerializer(allow_null=True)
    class_exam = ExamSerializer(allow_null=True)


class FigureSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    too_few = serializers.BooleanField()


class FlagSerializer(serializers.Serializer):
    code = serializers.CharField()
    suggestion = serializers.CharField()


class ScoreBinSerializer(serializers.Serializer):
    low = serializers.IntegerField()
    high = serializers.IntegerField()
    count = serializers.IntegerField()


class TestStatisticsSerializer(serializers.Serializer):
    attempts = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    sd = FigureSerializer()
    skewness = FigureSerializer()
    kurtosis = FigureSerializer()
    alpha = FigureSerializer()
    error_ratio = FigureSerializer()
    standard_error = FigureSerializer()
    histogram = ScoreBinSerializer(many=True)
    items_per_attempt = serializers.FloatField(allow_null=True)


class OptionStatsSerializer(serializers.Serializer):
    option_id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField(allow_blank=True)
    fraction = serializers.FloatField()
    is_myth = serializers.BooleanField()
    chosen = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    point_biserial = FigureSerializer()


class ItemVersionStatsSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    version_id = serializers.IntegerField(allow_null=True)
    version_number = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    type = serializers.CharField(source="qtype")
    prompt = serializers.CharField()
    attempts = serializers.IntegerField()
    facility = FigureSerializer()
    sd = FigureSerializer()
    random_guess = serializers.FloatField()
    intended_weight = serializers.FloatField()
    effective_weight = FigureSerializer()
    discrimination = FigureSerializer()
    efficiency = FigureSerializer()
    flags = FlagSerializer(many=True)
    options = OptionStatsSerializer(many=True)


class ItemStatsSerializer(ItemVersionStatsSerializer):
    versions = ItemVersionStatsSerializer(many=True)


class QuizReportSerializer(serializers.Serializer):
    quiz = QuizRefSerializer()
    classroom = ClassRefSerializer(allow_null=True)
    grading_method = serializers.CharField()
    attempts_used = serializers.CharField(help_text="Which attempts the figures count.")
    test = TestStatisticsSerializer()
    questions = ItemStatsSerializer(many=True)


# The class reports: the dashboard, topic mastery and myth prevalence, as on the pages.


class ReportAssignmentSerializer(serializers.ModelSerializer):
    quiz = QuizRefSerializer()

    class Meta:
        model = Assignment
        fields = ["id", "quiz", "due_at"]


class QuizResultSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(source="assignment.pk")
    due_at = serializers.DateTimeField(
        source="window.due_at", allow_null=True, help_text="This student's, extensions included."
    )
    attempts = serializers.IntegerField()
    closed = serializers.IntegerField()
    in_progress = serializers.BooleanField()
    best = serializers.FloatField(allow_null=True, help_text="0..1, of the closed attempts.")
    grade = serializers.FloatField(allow_null=True, help_text="0..1, by the grading method.")
    passed = serializers.BooleanField(allow_null=True)


class StudentRowSerializer(serializers.Serializer):
    student = PersonSerializer()
    attempts = serializers.IntegerField()
    results = QuizResultSerializer(many=True, help_text="In the order of `assignments`.")
    mean_grade = serializers.FloatField(allow_null=True)
    passes = serializers.IntegerField()
    due = serializers.IntegerField(help_text="Cards of the class deck due now.")
    overdue = serializers.IntegerField(help_text="Cards overdue by more than a day.")
    retention = RetentionSerializer()
    last_activity = serializers.DateTimeField(allow_null=True)
    leeches = serializers.IntegerField()
    mastery = serializers.FloatField(allow_null=True)
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why the student is at risk; empty when not."
    )


class StudentsReportSerializer(serializers.Serializer):
    classroom = ClassRefSerializer()
    now = serializers.DateTimeField()
    deck_size = serializers.IntegerField()
    assignments = ReportAssignmentSerializer(many=True)
    students = StudentRowSerializer(many=True)


class TopicColumnSerializer(serializers.Serializer):
    topic = serializers.CharField()
    label = serializers.CharField()
    cards = serializers.IntegerField(help_text="Deck questions of the topic.")


class MasteryCellSerializer(serializers.Serializer):
    memory = serializers.FloatField(allow_null=True, help_text="Mean predicted recall now.")
    studied = serializers.IntegerField()
    quiz = serializers.FloatField(allow_null=True, help_text="Mean score of closed attempts.")
    answers = serializers.IntegerField()


class MasteryRowSerializer(serializers.Serializer):
    student = PersonSerializer()
    cells = MasteryCellSerializer(many=True, help_text="In the order of `topics`.")
    memory = serializers.FloatField(allow_null=True)


class MasteryReportSerializer(serializers.Serializer):
    classroom = ClassRefSerializer()
    topics = TopicColumnSerializer(many=True)
    rows = MasteryRowSerializer(many=True)
    class_memory = serializers.ListField(child=serializers.FloatField(allow_null=True))
    class_quiz = serializers.ListField(child=serializers.FloatField(allow_null=True))


class WeekShareSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="The Monday the week starts on.")
    answers = serializers.IntegerField()
    chose = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class MythRowSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(source="question.pk")
    question = serializers.CharField(help_text="bank-slug/key")
    option_text = serializers.CharField()
    answers = serializers.IntegerField()
    chose = serializers.IntegerField()
    share = serializers.FloatField()
    students_ever = serializers.IntegerField()
    students_latest = serializers.IntegerField()
    weeks = WeekShareSerializer(many=True)


class MythReportSerializer(serializers.Serializer):
    classroom = ClassRefSerializer()
    students = serializers.IntegerField(help_text="Students in the class.")
    weeks = serializers.ListField(child=serializers.DateField())
    source_note = serializers.CharField()
    myths = MythRowSerializer(many=True)


class MeSerializer(serializers.ModelSerializer):
    is_instructor = serializers.BooleanField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "role", "is_instructor"]


# --- query parameters -------------------------------------------------------------------------


class QuestionQuerySerializer(serializers.Serializer):
    bank = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A bank id."
    )
    type = serializers.ChoiceField(choices=QuestionType.choices, required=False)
    tag = serializers.SlugField(required=False, max_length=60)
    archived = serializers.ChoiceField(
        choices=["active", "archived", "all"],
        default="active",
        help_text="Archived questions are retired ones; by default only those in use.",
    )


class AssignmentQuerySerializer(serializers.Serializer):
    classroom = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A class id."
    )


class AttemptQuerySerializer(serializers.Serializer):
    assignment = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class StudyQuerySerializer(serializers.Serializer):
    reveal = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="The question id of the flashcard shown: reveals its back and the ratings.",
    )
