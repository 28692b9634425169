"""The API's endpoints: parse the request, read through a scoped selector or call one service,
serialize. Another person's object is never found (404), exactly as on the pages."""

from datetime import datetime

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes import presentation, studying
from quizzes.api import examples as ex
from quizzes.api import presenting
from quizzes.api import serializers as s
from quizzes.api.errors import Conflict
from quizzes.api.idempotency import PARAMETER as IDEMPOTENCY_KEY
from quizzes.api.idempotency import idempotent
from quizzes.api.permissions import IsInstructor, IsStudent
from quizzes.api.responses import form_data
from quizzes.grading import InvalidResponse
from quizzes.models import Attempt, Question
from quizzes.models.attempts import AttemptState
from quizzes.selectors import api as selectors
from quizzes.selectors import attempts as attempt_selectors
from quizzes.selectors import class_reports
from quizzes.selectors.home import student_assignment_rows
from quizzes.selectors.progress import student_progress
from quizzes.selectors.reports import quiz_report
from quizzes.selectors.study import study_card
from quizzes.services.attempts import (
    ATTEMPT_CLOSED,
    AttemptRefused,
    SaveStatus,
    answer_save,
    attempt_start,
    attempt_submit,
    time_is_up,
)
from quizzes.services.memory import (
    CARD_CHANGED,
    StudyRefused,
    flashcard_review,
    study_answer,
    study_option_order,
)
from quizzes.views.study import RATING_LABELS

RATING_OR_RESPONSE = "Send `rating` to rate a flashcard, or `response` to answer a question."
NOT_BOTH = "Send either `rating` or `response`, not both."
SAVE_CONFLICT_CODES = {
    SaveStatus.STALE: "stale",
    SaveStatus.LOCKED: "locked",
    SaveStatus.TIME_UP: "time_up",
    SaveStatus.CLOSED: "attempt_closed",
}

CLASS = PolymorphicProxySerializer(
    component_name="Class",
    serializers={"instructor": s.TeacherClassSerializer, "student": s.StudentClassSerializer},
    resource_type_field_name="role",
)
ASSIGNMENT = PolymorphicProxySerializer(
    component_name="Assignment",
    serializers={
        "instructor": s.TeacherAssignmentSerializer,
        "student": s.StudentAssignmentSerializer,
    },
    resource_type_field_name="role",
)


def _query(serializer_class, request) -> dict:
    # A plain dict, not the QueryDict: DRF reads an empty form value as "not given", but
    # `?type=` is a mistake to report, not a filter to drop.
    query = serializer_class(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return query.validated_data


# --- who am I -----------------------------------------------------------------------------------


class MeView(APIView):
    @extend_schema(
        tags=["account"],
        summary="The account the request is made as",
        responses=s.MeSerializer,
        examples=[ex.ME],
    )
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


# --- banks and questions ------------------------------------------------------------------------


@extend_schema(tags=["banks"])
class BankList(generics.ListAPIView):
    serializer_class = s.BankSerializer
    permission_classes = [IsInstructor]

    def get_queryset(self):
        return selectors.api_banks(self.request.user)

    @extend_schema(
        summary="Question banks you may read",
        description="Your banks, those shared with you and public ones (every bank for staff).",
        examples=[ex.BANK],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["banks"])
class BankDetail(generics.RetrieveAPIView):
    serializer_class = s.BankSerializer
    permission_classes = [IsInstructor]

    def get_queryset(self):
        return selectors.api_banks(self.request.user)

    @extend_schema(summary="One question bank", examples=[ex.BANK])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["questions"])
class QuestionList(generics.ListAPIView):
    serializer_class = s.QuestionSerializer
    permission_classes = [IsInstructor]

    def get_queryset(self):
        query = _query(s.QuestionQuerySerializer, self.request)
        filters = selectors.QuestionFilters(
            bank=query.get("bank"),
            qtype=query.get("type", ""),
            tag=query.get("tag", ""),
            archived=query["archived"],
        )
        return selectors.api_questions(self.request.user, filters)

    @extend_schema(
        summary="Questions of the banks you may read",
        parameters=[s.QuestionQuerySerializer],
        examples=[ex.QUESTION],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["questions"])
class QuestionDetail(generics.RetrieveAPIView):
    serializer_class = s.QuestionSerializer
    permission_classes = [IsInstructor]

    def get_queryset(self):
        filters = selectors.QuestionFilters(archived="all")
        return selectors.api_questions(self.request.user, filters)

    @extend_schema(summary="One question", examples=[ex.QUESTION])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _QuestionVersions:
    def question(self) -> Question:
        filters = selectors.QuestionFilters(archived="all")
        question = (
            selectors.api_questions(self.request.user, filters)
            .filter(pk=self.kwargs["question_id"])
            .first()
        )
        if question is None:
            raise Http404
        return question

    def get_queryset(self):
        return selectors.api_question_versions(self.question())


@extend_schema(tags=["questions"])
class VersionList(_QuestionVersions, generics.ListAPIView):
    serializer_class = s.VersionSerializer
    permission_classes = [IsInstructor]

    @extend_schema(
        summary="Every version of a question, oldest first",
        description="Versions are immutable: editing a question makes a new version.",
        examples=[ex.VERSION],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["questions"])
class VersionDetail(_QuestionVersions, generics.RetrieveAPIView):
    serializer_class = s.VersionSerializer
    permission_classes = [IsInstructor]
    lookup_field = "number"

    @extend_schema(summary="One version of a question, by its number", examples=[ex.VERSION])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- quizzes and classes --------------------------------------------------------------------


@extend_schema(tags=["quizzes"])
class QuizList(generics.ListAPIView):
    serializer_class = s.QuizSerializer

    def get_queryset(self):
        return selectors.api_quizzes(self.request.user)

    @extend_schema(
        summary="Quizzes you may use",
        description=(
            "Instructors: the bundled quizzes, your own, and those assigned to your classes. "
            "Students: quizzes assigned to your classes."
        ),
        examples=[ex.QUIZ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["quizzes"])
class QuizDetail(generics.RetrieveAPIView):
    serializer_class = s.QuizSerializer

    def get_queryset(self):
        return selectors.api_quizzes(self.request.user)

    @extend_schema(summary="One quiz", examples=[ex.QUIZ])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _is_instructor(request) -> bool:
    # The schema generator calls views with an anonymous user.
    return getattr(request.user, "is_instructor", False)


class _ByRole:
    """One endpoint, two shapes: instructors and students see different things."""

    def get_queryset(self):
        user = self.request.user
        if _is_instructor(self.request):
            return self.teacher_queryset(user)
        return self.student_queryset(user)

    def get_serializer_class(self):
        if _is_instructor(self.request):
            return self.teacher_serializer
        return self.student_serializer


@extend_schema(tags=["classes"])
class ClassList(_ByRole, generics.ListAPIView):
    teacher_serializer = s.TeacherClassSerializer
    student_serializer = s.StudentClassSerializer

    def teacher_queryset(self, user):
        return selectors.api_classes_taught(user)

    def student_queryset(self, user):
        return selectors.api_classes_joined(user)

    @extend_schema(
        summary="Your classes",
        description="Instructors: the classes you run. Students: the classes you are in.",
        responses=CLASS,
        examples=[ex.TEACHER_CLASS, ex.STUDENT_CLASS],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["classes"])
class ClassDetail(_ByRole, generics.RetrieveAPIView):
    teacher_serializer = s.TeacherClassSerializer
    student_serializer = s.StudentClassSerializer

    def teacher_queryset(self, user):
        return selectors.api_classes_taught(user)

    def student_queryset(self, user):
        return selectors.api_classes_joined(user)

    @extend_schema(
        summary="One of your classes",
        responses=CLASS,
        examples=[ex.TEACHER_CLASS, ex.STUDENT_CLASS],
    )
    def get(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)


@extend_schema(tags=["classes"])
class EnrollmentList(generics.ListAPIView):
    serializer_class = s.EnrollmentSerializer
    permission_classes = [IsInstructor]

    def get_queryset(self):
        classroom = selectors.api_class_for_teacher(self.request.user, self.kwargs["class_id"])
        if classroom is None:
            raise Http404
        return selectors.api_enrollments(classroom)

    @extend_schema(
        summary="The students of a class you run",
        examples=[ex.ENROLLMENT],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["assignments"])
class AssignmentList(_ByRole, generics.ListAPIView):
    teacher_serializer = s.TeacherAssignmentSerializer
    student_serializer = s.StudentAssignmentSerializer

    def teacher_queryset(self, user):
        query = _query(s.AssignmentQuerySerializer, self.request)
        return selectors.api_teacher_assignments(user, query.get("classroom"))

    def student_queryset(self, user):
        query = _query(s.AssignmentQuerySerializer, self.request)
        rows = student_assignment_rows(user)
        if "classroom" in query:
            rows = [r for r in rows if r.assignment.classroom_id == query["classroom"]]
        return rows

    @extend_schema(
        summary="Assignments",
        description=(
            "Students: your assignments, with the dates that apply to you (extensions "
            "included), soonest due first. Instructors: the assignments of the classes you run."
        ),
        parameters=[s.AssignmentQuerySerializer],
        responses=ASSIGNMENT,
        examples=[ex.STUDENT_ASSIGNMENT, ex.TEACHER_ASSIGNMENT],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["assignments"])
class AssignmentDetail(_ByRole, generics.RetrieveAPIView):
    teacher_serializer = s.TeacherAssignmentSerializer
    student_serializer = s.StudentAssignmentSerializer

    def teacher_queryset(self, user):
        return selectors.api_teacher_assignments(user)

    def student_queryset(self, user):
        # Students' rows come from `student_assignment_rows` (see get_object).
        return selectors.api_teacher_assignments(user).none()

    def get_object(self):
        if _is_instructor(self.request):
            return super().get_object()
        for row in student_assignment_rows(self.request.user):
            if row.assignment.pk == self.kwargs["pk"]:
                return row
        raise Http404

    @extend_schema(
        summary="One assignment",
        responses=ASSIGNMENT,
        examples=[ex.STUDENT_ASSIGNMENT, ex.TEACHER_ASSIGNMENT],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- attempts -----------------------------------------------------------------------------------


def _attempt_detail(attempt: Attempt, now: datetime) -> dict:
    quiz = attempt.quiz
    closed = attempt.state != AttemptState.IN_PROGRESS
    shows_score = closed and quiz.review_shows_score
    seconds_left = None
    if not closed and attempt.deadline_at is not None:
        seconds_left = max(int((attempt.deadline_at - now).total_seconds()), 0)
    return s.AttemptDetailSerializer(
        {
            "attempt": attempt,
            "score": attempt.fraction if shows_score else None,
            "passed": attempt_selectors.passed(quiz, attempt.fraction) if shows_score else None,
            "seconds_left": seconds_left,
            "questions": [] if closed else presenting.attempt_questions(attempt),
            "review": presenting.attempt_review(attempt) if closed else [],
        }
    ).data


def _own_attempt(request, attempt_id: int) -> Attempt:
    attempt = attempt_selectors.attempt_for_student(request.user, attempt_id)
    if attempt is None:
        raise Http404
    return attempt


@extend_schema(tags=["attempts"])
class AttemptList(generics.ListAPIView):
    serializer_class = s.AttemptSummarySerializer
    permission_classes = [IsStudent]

    def get_queryset(self):
        query = _query(s.AttemptQuerySerializer, self.request)
        return selectors.api_student_attempts(self.request.user, query.get("assignment"))

    @extend_schema(
        summary="Your attempts, newest first",
        parameters=[s.AttemptQuerySerializer],
        examples=[ex.ATTEMPT_SUMMARY],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AttemptStart(APIView):
    permission_classes = [IsStudent]

    @extend_schema(
        tags=["attempts"],
        summary="Start (or resume) an attempt at an assignment",
        description=(
            "Starts a new attempt (201), or returns your attempt in progress (200). Refused "
            "with 409 `attempt_refused` when the quiz is not open, closed, or out of attempts."
        ),
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: s.AttemptDetailSerializer, 200: s.AttemptDetailSerializer},
        examples=[ex.ATTEMPT_OPEN],
    )
    @idempotent
    def post(self, request, assignment_id: int):
        assignment = attempt_selectors.assignment_for_student(request.user, assignment_id)
        if assignment is None:
            raise Http404
        now = timezone.now()
        try:
            attempt = attempt_start(student=request.user, assignment=assignment, now=now)
        except AttemptRefused as refusal:
            raise Conflict(str(refusal), code="attempt_refused") from None
        attempt = _own_attempt(request, attempt.pk)
        started = attempt.started_at == now
        return Response(
            _attempt_detail(attempt, now),
            status=status.HTTP_201_CREATED if started else status.HTTP_200_OK,
        )


class AttemptDetail(APIView):
    permission_classes = [IsStudent]

    @extend_schema(
        tags=["attempts"],
        summary="An attempt: its questions while open, its review once closed",
        description=(
            "While open, `questions` shows each question as the quiz page does: choices are "
            "named by tokens ('1' is the first shown), never by ids, and nothing tells the "
            "answer. Once submitted, `review` holds what the quiz releases. An attempt whose "
            "time ran out is closed on reading, as on the pages."
        ),
        responses=s.AttemptDetailSerializer,
        examples=[ex.ATTEMPT_OPEN, ex.ATTEMPT_REVIEWED],
    )
    def get(self, request, attempt_id: int):
        attempt = _own_attempt(request, attempt_id)
        now = timezone.now()
        if attempt.state == AttemptState.IN_PROGRESS and time_is_up(attempt, now):
            attempt = attempt_submit(attempt_id=attempt.pk, student=request.user, now=now)
        return Response(_attempt_detail(attempt, now))


class AnswerSave(APIView):
    permission_classes = [IsStudent]

    def _save(self, request, attempt_id: int, position: int):
        attempt = _own_attempt(request, attempt_id)
        answers = attempt_selectors.attempt_answers(attempt)
        answer = next((a for a in answers if a.position == position), None)
        if answer is None:
            raise Http404
        if attempt.state != AttemptState.IN_PROGRESS:
            raise Conflict(ATTEMPT_CLOSED, code="attempt_closed")
        body = s.AnswerInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        attempt_selectors.load_question([answer])
        version = answer.question_version
        try:
            form = form_data(version.qtype, data["response"], len(version.options.all()))
            response = (
                presentation.response_from_form(version, answer.option_order, form)
                if form is not None
                else None
            )
            result = answer_save(
                attempt_id=attempt.pk,
                student=request.user,
                position=position,
                response=response,
                revision=data.get("revision"),
                spent_ms=data["spent_ms"],
                check=data["check"],
            )
        except InvalidResponse as invalid:
            raise ValidationError({"response": [_sentence(str(invalid))]}) from None
        except AttemptRefused as refusal:
            raise Conflict(str(refusal), code="answer_refused") from None
        if result.status != SaveStatus.SAVED:
            raise Conflict(result.message, code=SAVE_CONFLICT_CODES[result.status])
        feedback = presenting.answer_feedback(attempt, position) if data["check"] else None
        return Response(
            s.AnswerSavedSerializer(
                {
                    "status": "saved",
                    "revision": result.attempt.revision,
                    "answered": presentation.is_answered(version.qtype, response),
                    "feedback": feedback,
                }
            ).data
        )

    @extend_schema(
        tags=["attempts"],
        summary="Save the answer to one question",
        description=(
            "`response` names choices by their tokens. Refused with 409 and a code: `stale` "
            "(another save came first: read the attempt again for its revision), `locked` "
            "(already checked), `time_up`, `attempt_closed`, `answer_refused`."
        ),
        request=s.AnswerInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=s.AnswerSavedSerializer,
        examples=[*ex.ANSWER_INPUTS, ex.ANSWER_SAVED],
    )
    @idempotent
    def put(self, request, attempt_id: int, position: int):
        return self._save(request, attempt_id, position)

    @extend_schema(
        tags=["attempts"],
        summary="Save the answer to one question (POST, same as PUT)",
        request=s.AnswerInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses=s.AnswerSavedSerializer,
        examples=[*ex.ANSWER_INPUTS, ex.ANSWER_SAVED],
    )
    @idempotent
    def post(self, request, attempt_id: int, position: int):
        return self._save(request, attempt_id, position)


def _sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else f"{message}."


class AttemptSubmit(APIView):
    permission_classes = [IsStudent]

    @extend_schema(
        tags=["attempts"],
        summary="Submit an attempt",
        description=(
            "Grades and closes the attempt, and returns its review. Submitting a closed "
            "attempt changes nothing and returns the same review."
        ),
        request=None,
        responses=s.AttemptDetailSerializer,
        examples=[ex.ATTEMPT_REVIEWED],
    )
    def post(self, request, attempt_id: int):
        attempt = _own_attempt(request, attempt_id)
        now = timezone.now()
        attempt = attempt_submit(attempt_id=attempt.pk, student=request.user, now=now)
        return Response(_attempt_detail(_own_attempt(request, attempt.pk), now))


# --- studying -----------------------------------------------------------------------------------


class StudyQueueView(APIView):
    permission_classes = [IsStudent]

    @extend_schema(
        tags=["study"],
        summary="The next card to study",
        description=(
            "The same queue as the study page. A flashcard shows its front; ask again with "
            "`reveal=<question_id>` for its back and the four ratings. A question shows its "
            "choices by token; answer it with POST /study/reviews/."
        ),
        parameters=[s.StudyQuerySerializer],
        responses=s.StudyQueueSerializer,
        examples=[ex.STUDY_QUEUE],
    )
    def get(self, request):
        query = _query(s.StudyQuerySerializer, request)
        try:
            queue = presenting.study_queue(request.user, timezone.now(), reveal=query.get("reveal"))
        except Question.DoesNotExist:  # archived between two queries
            raise Http404 from None
        return Response(s.StudyQueueSerializer(queue).data)


class StudyReviewCreate(APIView):
    permission_classes = [IsStudent]

    @extend_schema(
        tags=["study"],
        summary="Review a card: rate a flashcard, or answer a question",
        description=(
            "Send back `question_id`, `version_id` and `reps` from the queue. A review sent "
            "twice is refused (409 `review_refused`), with or without an Idempotency-Key."
        ),
        request=s.ReviewInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: s.ReviewResultSerializer},
        examples=[ex.REVIEW_RATING, ex.REVIEW_ANSWER, ex.REVIEW_RESULT],
    )
    @idempotent
    def post(self, request):
        body = s.ReviewInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        has_rating, has_response = "rating" in data, "response" in data
        if has_rating == has_response:
            raise ValidationError(NOT_BOTH if has_rating else RATING_OR_RESPONSE)
        now = timezone.now()
        student = request.user
        feedback = None
        try:
            if has_rating:
                result = flashcard_review(
                    student=student,
                    question_id=data["question_id"],
                    rating=data["rating"],
                    duration_ms=data["duration_ms"],
                    reps=data["reps"],
                    version_id=data["version_id"],
                    now=now,
                )
            else:
                version, diagram = study_card(student, data["question_id"])
                if version.pk != data["version_id"]:
                    raise StudyRefused(CARD_CHANGED)
                order = study_option_order(version, student_id=student.pk, reps=data["reps"])
                try:
                    form = form_data(version.qtype, data["response"], len(version.options.all()))
                    response = (
                        presentation.response_from_form(version, order, form) if form else None
                    )
                except InvalidResponse as invalid:
                    raise ValidationError({"response": [_sentence(str(invalid))]}) from None
                result = study_answer(
                    student=student,
                    question_id=data["question_id"],
                    response=response,
                    duration_ms=data["duration_ms"],
                    reps=data["reps"],
                    version_id=data["version_id"],
                    now=now,
                )
                feedback = presenting.study_feedback(
                    version, order, response, result.grade, diagram
                )
        except Question.DoesNotExist:
            raise Http404 from None
        except StudyRefused as refusal:
            raise Conflict(str(refusal), code="review_refused") from None
        payload = {
            "rating": int(result.rating),
            "rating_label": RATING_LABELS[result.rating],
            "interval_seconds": int(result.interval.total_seconds()),
            "interval_label": studying.interval_label(result.interval),
            "due": result.card.due,
            "buried": result.buried,
            "feedback": feedback,
        }
        return Response(s.ReviewResultSerializer(payload).data, status=status.HTTP_201_CREATED)


# --- reports --------------------------------------------------------------------------------


class ProgressView(APIView):
    permission_classes = [IsStudent]

    @extend_schema(
        tags=["reports"],
        summary="Your progress: mastery per topic, forecast, retention, streak, exam outlook",
        responses=s.ProgressSerializer,
        examples=[ex.PROGRESS],
    )
    def get(self, request):
        progress = student_progress(request.user, timezone.now())
        return Response(s.ProgressSerializer(progress).data)


class QuizReportView(APIView):
    permission_classes = [IsInstructor]

    @extend_schema(
        tags=["reports"],
        summary="Item analysis of a quiz in a class you run",
        description=(
            "Moodle's quiz statistics over the class's closed attempts: test statistics, and "
            "per question (and per version) facility, discrimination, and option analysis."
        ),
        responses=s.QuizReportSerializer,
        examples=[ex.REPORT],
    )
    def get(self, request, class_id: int, quiz_id: int):
        found = selectors.api_class_quiz(request.user, class_id, quiz_id)
        if found is None:
            raise Http404
        classroom, quiz = found
        report = quiz_report(quiz=quiz, classroom=classroom)
        return Response(s.QuizReportSerializer(report).data)


def _taught_class(request, class_id: int):
    classroom = selectors.api_class_for_teacher(request.user, class_id)
    if classroom is None:
        raise Http404
    return classroom


class StudentsReportView(APIView):
    permission_classes = [IsInstructor]

    @extend_schema(
        tags=["reports"],
        summary="The dashboard of a class you run: one row per student, and who is at risk",
        description=(
            "The class page's figures: per student and assignment, attempts and grades (0..1); "
            "cards due and overdue on the class deck, 30-day retention, leeches, mastery, and "
            "every reason the student is at risk (empty when none)."
        ),
        responses=s.StudentsReportSerializer,
        examples=[ex.STUDENTS_REPORT],
    )
    def get(self, request, class_id: int):
        dashboard = class_reports.class_dashboard(_taught_class(request, class_id), timezone.now())
        return Response(s.StudentsReportSerializer(dashboard).data)


class MasteryReportView(APIView):
    permission_classes = [IsInstructor]

    @extend_schema(
        tags=["reports"],
        summary="Topic mastery in a class you run: students by topics",
        description=(
            "Per student and topic: predicted recall now over the topic's deck cards (unstudied "
            "ones count 0), and the mean score of quiz answers; class means per topic."
        ),
        responses=s.MasteryReportSerializer,
        examples=[ex.MASTERY_REPORT],
    )
    def get(self, request, class_id: int):
        report = class_reports.mastery_report(_taught_class(request, class_id), timezone.now())
        return Response(s.MasteryReportSerializer(report).data)


class MythReportView(APIView):
    permission_classes = [IsInstructor]

    @extend_schema(
        tags=["reports"],
        summary="Myth prevalence in a class you run, with a weekly trend",
        description=(
            "Every myth option the class's submitted quiz answers met, most chosen first: "
            "how often it was chosen, by how many students, and week by week."
        ),
        responses=s.MythReportSerializer,
        examples=[ex.MYTH_REPORT],
    )
    def get(self, request, class_id: int):
        report = class_reports.myth_report(_taught_class(request, class_id), timezone.now())
        return Response(s.MythReportSerializer(report).data)
