"""factory_boy factories, one per model."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from quizzes import models
from quizzes.models.attempts import AttemptState
from quizzes.models.banks import Visibility


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name")
    role = models.Role.STUDENT
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class StudentFactory(UserFactory):
    role = models.Role.STUDENT


class InstructorFactory(UserFactory):
    role = models.Role.INSTRUCTOR


class QuestionBankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.QuestionBank

    slug = factory.Sequence(lambda n: f"bank-{n}")
    title = factory.Sequence(lambda n: f"Bank {n}")
    topic = "anatomy"
    owner = factory.SubFactory(InstructorFactory)
    visibility = Visibility.PRIVATE


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag-{n}")


class DiagramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Diagram

    slug = factory.Sequence(lambda n: f"diagram-{n}")
    title = "A diagram"
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<rect data-region="a" width="5" height="5"><title>A</title></rect></svg>'
    )
    regions = factory.LazyFunction(lambda: {"a": "A"})


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question with one single-choice version (two options, the first right)."""

    class Meta:
        model = models.Question
        skip_postgeneration_save = True

    bank = factory.SubFactory(QuestionBankFactory)
    key = factory.Sequence(lambda n: f"q-{n}")

    @factory.post_generation
    def with_version(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        version = QuestionVersionFactory(question=self, number=1)
        OptionFactory(version=version, position=0, text="Lesser trochanter", fraction=1)
        OptionFactory(version=version, position=1, text="Greater trochanter", fraction=0)
        self.current_version = version
        self.save(update_fields=["current_version"])


class QuestionVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.QuestionVersion

    question = factory.SubFactory(QuestionFactory, with_version=False)
    number = factory.Sequence(lambda n: n + 1)
    qtype = "single_choice"
    prompt = "Where does psoas major insert?"
    explanation = "On the lesser trochanter, with iliacus."
    source = "Gray's Anatomy, 42nd ed."
    difficulty = 2
    content_hash = factory.Sequence(lambda n: f"{n:064x}")


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Option

    version = factory.SubFactory(QuestionVersionFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Option {n}")
    fraction = Decimal(0)


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Quiz

    slug = factory.Sequence(lambda n: f"quiz-{n}")
    title = factory.Sequence(lambda n: f"Quiz {n}")
    owner = factory.SubFactory(InstructorFactory)


class QuizItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.QuizItem

    quiz = factory.SubFactory(QuizFactory)
    question = factory.SubFactory(QuestionFactory)
    position = factory.Sequence(lambda n: n)


class QuizDrawFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.QuizDraw

    quiz = factory.SubFactory(QuizFactory)
    bank = factory.SubFactory(QuestionBankFactory)
    count = 5


class ClassroomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Classroom
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cohort {n}")
    join_code = factory.Sequence(lambda n: f"CODE{n:04d}")

    @factory.post_generation
    def instructors(self, create, extracted, **kwargs):
        if create:
            self.instructors.add(*(extracted or [InstructorFactory()]))


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Enrollment

    classroom = factory.SubFactory(ClassroomFactory)
    student = factory.SubFactory(StudentFactory)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Assignment

    quiz = factory.SubFactory(QuizFactory)
    classroom = factory.SubFactory(ClassroomFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ExtensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Extension

    assignment = factory.SubFactory(AssignmentFactory)
    student = factory.SubFactory(StudentFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class AttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Attempt

    student = factory.SubFactory(StudentFactory)
    quiz = factory.SubFactory(QuizFactory)
    number = factory.Sequence(lambda n: n + 1)
    state = AttemptState.IN_PROGRESS
    started_at = factory.LazyFunction(timezone.now)


class SubmittedAttemptFactory(AttemptFactory):
    state = AttemptState.SUBMITTED
    fraction = Decimal("0.8")
    submitted_at = factory.LazyAttribute(lambda a: a.started_at + timedelta(minutes=5))


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Answer

    attempt = factory.SubFactory(AttemptFactory)
    position = factory.Sequence(lambda n: n)
    question_version = factory.SubFactory(QuestionVersionFactory)


class AnswerChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AnswerChoice

    answer = factory.SubFactory(AnswerFactory)
    option = factory.SubFactory(
        OptionFactory, version=factory.SelfAttribute("..answer.question_version")
    )
    # Copies of the answer's, as the attempt services write them.
    attempt = factory.SelfAttribute("answer.attempt")
    mark = factory.LazyAttribute(lambda c: c.answer.points * (c.answer.fraction or 0))


class CardStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CardState

    student = factory.SubFactory(StudentFactory)
    question = factory.SubFactory(QuestionFactory)
    due = factory.LazyFunction(timezone.now)


class ReviewLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ReviewLog

    card = factory.SubFactory(CardStateFactory)
    question_version = factory.LazyAttribute(lambda r: r.card.question.current_version)
    rating = 3
    source = "flashcard"
    reviewed_at = factory.LazyFunction(timezone.now)
    phase_before = "new"
    stability_after = 2.3
    difficulty_after = 5.0
    due_after = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))


class LtiToolKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LtiToolKey

    kid = factory.Sequence(lambda n: f"kid-{n}")
    # Not a real key: tests that sign anything use quizzes.lti.keys.tool_key().
    private_key = "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n"
    public_key = "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n"


class LtiPlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LtiPlatform

    name = factory.Sequence(lambda n: f"Moodle {n}")
    issuer = factory.Sequence(lambda n: f"https://lms{n}.test")
    client_id = factory.Sequence(lambda n: f"client-{n}")
    auth_login_url = factory.LazyAttribute(lambda p: f"{p.issuer}/mod/lti/auth.php")
    auth_token_url = factory.LazyAttribute(lambda p: f"{p.issuer}/mod/lti/token.php")
    keyset_url = factory.LazyAttribute(lambda p: f"{p.issuer}/mod/lti/certs.php")
    frame_ancestors = factory.LazyAttribute(lambda p: p.issuer)


class LtiDeploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LtiDeployment

    platform = factory.SubFactory(LtiPlatformFactory)
    deployment_id = factory.Sequence(lambda n: str(n + 1))


class LtiUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LtiUser

    platform = factory.SubFactory(LtiPlatformFactory)
    sub = factory.Sequence(lambda n: f"sub-{n}")
    user = factory.SubFactory(StudentFactory)


class LtiContextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LtiContext

    deployment = factory.SubFactory(LtiDeploymentFactory)
    context_id = factory.Sequence(lambda n: f"course-{n}")
    classroom = factory.SubFactory(ClassroomFactory)


class LtiResourceLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LtiResourceLink

    context = factory.SubFactory(LtiContextFactory)
    resource_link_id = factory.Sequence(lambda n: f"link-{n}")
    assignment = factory.SubFactory(
        AssignmentFactory, classroom=factory.SelfAttribute("..context.classroom")
    )


class GradeSubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.GradeSubmission

    link = factory.SubFactory(LtiResourceLinkFactory)
    lti_user = factory.SubFactory(
        LtiUserFactory, platform=factory.SelfAttribute("..link.context.deployment.platform")
    )
    fraction = Decimal("0.75")
    graded_at = factory.LazyFunction(timezone.now)
    next_try_at = factory.LazyFunction(timezone.now)
