"""The domain model, one module per part: accounts, banks, quizzes, classes, attempts, memory,
api, lti."""

from quizzes.models.accounts import Role, User
from quizzes.models.api import ApiToken, IdempotencyKey
from quizzes.models.attempts import Answer, AnswerChoice, Attempt
from quizzes.models.banks import (
    Diagram,
    Option,
    Question,
    QuestionBank,
    QuestionType,
    QuestionVersion,
    Tag,
)
from quizzes.models.classes import Assignment, Classroom, Enrollment, Extension
from quizzes.models.fitting import FitStatus, ParameterFit
from quizzes.models.lti import (
    GradeSubmission,
    LtiContext,
    LtiDeployment,
    LtiLaunchValue,
    LtiPlatform,
    LtiResourceLink,
    LtiToolKey,
    LtiUser,
)
from quizzes.models.memory import CardState, ReviewLog
from quizzes.models.quizzes import Quiz, QuizDraw, QuizItem

__all__ = [
    "Answer",
    "AnswerChoice",
    "ApiToken",
    "Assignment",
    "Attempt",
    "CardState",
    "Classroom",
    "Diagram",
    "Enrollment",
    "Extension",
    "FitStatus",
    "GradeSubmission",
    "LtiContext",
    "LtiDeployment",
    "LtiLaunchValue",
    "LtiPlatform",
    "LtiResourceLink",
    "LtiToolKey",
    "LtiUser",
    "IdempotencyKey",
    "Option",
    "ParameterFit",
    "Question",
    "QuestionBank",
    "QuestionType",
    "QuestionVersion",
    "Quiz",
    "QuizDraw",
    "QuizItem",
    "ReviewLog",
    "Role",
    "Tag",
    "User",
]
