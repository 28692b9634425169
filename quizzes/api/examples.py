"""Examples shown in the API documentation (/api/docs/), one per shape."""

from drf_spectacular.utils import OpenApiExample

WHEN = "2026-03-02T09:30:00Z"
LATER = "2026-03-09T17:00:00Z"


def _response(name: str, value, **kwargs) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, **kwargs)


def _request(name: str, value, **kwargs) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True, **kwargs)


ME = _response(
    "An instructor",
    {
        "id": 7,
        "username": "asha",
        "display_name": "Asha Rao",
        "role": "instructor",
        "is_instructor": True,
    },
)
BANK = _response(
    "A bundled bank",
    {
        "id": 1,
        "slug": "psoas-anatomy",
        "title": "Psoas anatomy",
        "topic": "anatomy",
        "description": "Origins, insertion, innervation and neighbours of psoas major.",
        "visibility": "public",
        "owner": None,
        "question_count": 42,
        "created_at": WHEN,
    },
)
QUESTION = _response(
    "A question",
    {
        "id": 12,
        "bank": 1,
        "bank_slug": "psoas-anatomy",
        "key": "psoas-insertion",
        "tags": ["insertion"],
        "current_version": {
            "id": 30,
            "number": 2,
            "type": "single_choice",
            "prompt": "Where does psoas major insert?",
            "created_at": WHEN,
        },
        "created_at": WHEN,
        "archived_at": None,
    },
)
VERSION = _response(
    "A version",
    {
        "id": 30,
        "question": 12,
        "number": 2,
        "type": "single_choice",
        "prompt": "Where does psoas major insert?",
        "explanation": "With iliacus, on the lesser trochanter of the femur.",
        "source": "Gray's Anatomy, 42nd ed.",
        "difficulty": 2,
        "config": {},
        "options": [
            {
                "position": 0,
                "text": "Lesser trochanter",
                "fraction": "1.00000",
                "feedback": "",
                "is_myth": False,
                "data": {},
            },
            {
                "position": 1,
                "text": "Greater trochanter",
                "fraction": "0.00000",
                "feedback": "That is where gluteus medius inserts.",
                "is_myth": False,
                "data": {},
            },
        ],
        "change_note": "Clearer feedback",
        "created_by": "asha",
        "created_at": WHEN,
    },
)
QUIZ = _response(
    "A quiz",
    {
        "id": 3,
        "slug": "psoas-basics",
        "title": "Psoas basics",
        "description": "Ten questions on where the psoas is and what it does.",
        "time_limit_seconds": 900,
        "attempts_allowed": 3,
        "grading_method": "highest",
        "feedback_timing": "deferred",
        "pass_mark": "70.00",
        "opens_at": None,
        "closes_at": None,
    },
)
TEACHER_CLASS = _response(
    "A class, to its instructor",
    {
        "role": "instructor",
        "id": 5,
        "name": "Spring 2026 teacher training",
        "join_code": "PSOAS7KX",
        "join_code_expires_at": None,
        "exam_date": "2026-06-20",
        "desired_retention": "0.90",
        "new_cards_per_day": 20,
        "reviews_per_day": 200,
        "student_count": 18,
        "assignment_count": 4,
        "created_at": WHEN,
    },
)
STUDENT_CLASS = _response(
    "A class, to a student",
    {"role": "student", "id": 5, "name": "Spring 2026 teacher training", "exam_date": None},
)
ENROLLMENT = _response(
    "A student of the class",
    {
        "id": 40,
        "student": {"id": 21, "username": "ben", "display_name": "Ben Ortiz"},
        "joined_at": WHEN,
    },
)
_QUIZ_REF = {"id": 3, "slug": "psoas-basics", "title": "Psoas basics"}
_CLASS_REF = {"id": 5, "name": "Spring 2026 teacher training"}
STUDENT_ASSIGNMENT = _response(
    "An assignment, to a student",
    {
        "role": "student",
        "id": 9,
        "quiz": _QUIZ_REF,
        "classroom": _CLASS_REF,
        "opens_at": None,
        "due_at": LATER,
        "closes_at": None,
        "status": "in_progress",
        "attempts_used": 1,
        "attempts_left": 2,
        "best_fraction": None,
        "open_attempt": 77,
        "overdue": False,
        "extended": False,
    },
)
TEACHER_ASSIGNMENT = _response(
    "An assignment, to an instructor",
    {
        "role": "instructor",
        "id": 9,
        "quiz": _QUIZ_REF,
        "classroom": _CLASS_REF,
        "opens_at": None,
        "due_at": LATER,
        "closes_at": None,
        "attempt_count": 25,
        "extension_count": 1,
        "created_at": WHEN,
    },
)
_ATTEMPT = {
    "id": 77,
    "quiz": _QUIZ_REF,
    "assignment": 9,
    "number": 1,
    "state": "in_progress",
    "started_at": WHEN,
    "deadline_at": "2026-03-02T09:45:00Z",
    "submitted_at": None,
    "revision": 3,
}
ATTEMPT_SUMMARY = _response("An attempt", _ATTEMPT)
_SHOWN = {
    "type": "single_choice",
    "prompt_html": "<p>Where does psoas major insert?</p>",
    "answered": True,
    "choices": [
        {"token": "1", "html": "Greater trochanter", "selected": False},
        {"token": "2", "html": "Lesser trochanter", "selected": True},
    ],
    "rows": [],
    "text_value": "",
    "unit": "",
    "blanks": [],
    "diagram_title": "",
    "diagram_svg": "",
    "regions": [],
}
ATTEMPT_OPEN = _response(
    "An attempt in progress",
    {
        "attempt": _ATTEMPT,
        "score": None,
        "passed": None,
        "seconds_left": 512,
        "questions": [
            {
                "position": 1,
                "points": "1.00",
                "checked": False,
                "question": _SHOWN,
                "feedback": None,
            }
        ],
        "review": [],
    },
)
_REVIEWED = {
    "position": 1,
    "type": "single_choice",
    "prompt_html": "<p>Where does psoas major insert?</p>",
    "points": "1.00",
    "answered": True,
    "outcome": "correct",
    "outcome_label": "Correct",
    "earned": "1",
    "choices": [
        {"html": "Greater trochanter", "chosen": False, "right": False, "feedback_html": ""},
        {"html": "Lesser trochanter", "chosen": True, "right": True, "feedback_html": ""},
    ],
    "given_html": "",
    "right_answer_html": "",
    "feedback_html": [],
    "explanation_html": "<p>With iliacus, on the lesser trochanter of the femur.</p>",
    "source_html": "<p>Gray's Anatomy, 42nd ed.</p>",
}
ATTEMPT_REVIEWED = _response(
    "A submitted attempt",
    {
        "attempt": {
            **_ATTEMPT,
            "state": "submitted",
            "submitted_at": "2026-03-02T09:41:10Z",
            "revision": 4,
        },
        "score": "1.00000",
        "passed": True,
        "seconds_left": None,
        "questions": [],
        "review": [_REVIEWED],
    },
)
ANSWER_INPUTS = [
    _request(
        "Single choice or true/false",
        {"response": {"choice": "2"}, "revision": 3, "spent_ms": 8200, "check": False},
    ),
    _request("Multiple response", {"response": {"choices": ["1", "3"]}, "revision": 3}),
    _request("Short answer", {"response": {"text": "iliacus"}, "revision": 3}),
    _request("Numeric", {"response": {"value": "5"}, "revision": 3}),
    _request("Matching (row → answer)", {"response": {"pairs": {"1": "3", "2": "1"}}}),
    _request("Ordering (every item, first to last)", {"response": {"order": ["3", "1", "2"]}}),
    _request("Cloze", {"response": {"blanks": {"1": "lumbar", "2": "femur"}}}),
    _request("Hotspot", {"response": {"region": "psoas-major"}}),
    _request("Clear the answer", {"response": None, "revision": 4}),
]
ANSWER_SAVED = _response(
    "Saved", {"status": "saved", "revision": 4, "answered": True, "feedback": None}
)
STUDY_QUEUE = _response(
    "A flashcard, front",
    {
        "state": "card",
        "progress": {"new_done": 3, "new_limit": 20, "reviews_done": 11, "left": 14},
        "card": {
            "question_id": 55,
            "version_id": 80,
            "reps": 2,
            "is_new": False,
            "question": {
                **_SHOWN,
                "type": "flashcard",
                "prompt_html": "<p>Which nerve roots supply psoas major?</p>",
                "answered": False,
                "choices": [],
            },
            "revealed": False,
            "back_html": "",
            "explanation_html": "",
            "source_html": "",
            "ratings": [],
        },
        "next_at": None,
    },
)
REVIEW_RATING = _request(
    "Rate a flashcard",
    {"question_id": 55, "version_id": 80, "reps": 2, "rating": 3, "duration_ms": 6400},
)
REVIEW_ANSWER = _request(
    "Answer a question",
    {"question_id": 12, "version_id": 30, "reps": 0, "response": {"choice": "2"}},
)
REVIEW_RESULT = _response(
    "Rated Good",
    {
        "rating": 3,
        "rating_label": "Good",
        "interval_seconds": 345600,
        "interval_label": "4 days",
        "due": "2026-03-06T09:30:00Z",
        "buried": 1,
        "feedback": None,
    },
)
_FIGURE = {"value": 0.62, "low": 0.48, "high": 0.74, "reason": "", "too_few": False}
PROGRESS = _response(
    "A student's progress",
    {
        "today": "2026-03-02",
        "classes": [_CLASS_REF],
        "topics": [
            {"topic": "anatomy", "label": "Anatomy", "cards": 40, "studied": 25, "mastery": 0.55}
        ],
        "forecast": [{"day": "2026-03-02", "offset": 0, "due": 12}],
        "retention": {
            "reviews": 120,
            "recalled": 105,
            "target": 0.9,
            "rate": 0.875,
            "on_target": True,
        },
        "streak": {"days": 6, "reviewed_today": True},
        "leeches": 1,
        "studied": 25,
        "deck_size": 40,
        "exam": None,
        "class_exam": None,
    },
)
REPORT = _response(
    "A quiz report",
    {
        "quiz": _QUIZ_REF,
        "classroom": _CLASS_REF,
        "grading_method": "highest",
        "attempts_used": "Each student's highest-scoring attempt",
        "test": {
            "attempts": 18,
            "mean": 71.5,
            "median": 73.0,
            "sd": _FIGURE,
            "skewness": _FIGURE,
            "kurtosis": _FIGURE,
            "alpha": _FIGURE,
            "error_ratio": _FIGURE,
            "standard_error": _FIGURE,
            "histogram": [{"low": 60, "high": 70, "count": 5}],
            "items_per_attempt": 10.0,
        },
        "questions": [],
    },
)
_RETENTION = {"reviews": 24, "recalled": 20, "target": 0.9, "rate": 0.833, "on_target": False}
STUDENTS_REPORT = _response(
    "A class dashboard",
    {
        "classroom": _CLASS_REF,
        "now": WHEN,
        "deck_size": 40,
        "assignments": [{"id": 8, "quiz": _QUIZ_REF, "due_at": LATER}],
        "students": [
            {
                "student": {"id": 12, "username": "ada", "display_name": "Ada"},
                "attempts": 2,
                "results": [
                    {
                        "assignment": 8,
                        "due_at": LATER,
                        "attempts": 2,
                        "closed": 2,
                        "in_progress": False,
                        "best": 0.5,
                        "grade": 0.5,
                        "passed": False,
                    }
                ],
                "mean_grade": 0.5,
                "passes": 0,
                "due": 3,
                "overdue": 0,
                "retention": _RETENTION,
                "last_activity": WHEN,
                "leeches": 0,
                "mastery": 0.42,
                "reasons": ["mastery below 50% (42%)", "failed Psoas basics (50%; pass mark 70%)"],
            }
        ],
    },
)
MASTERY_REPORT = _response(
    "Topic mastery",
    {
        "classroom": _CLASS_REF,
        "topics": [{"topic": "anatomy", "label": "Anatomy", "cards": 12}],
        "rows": [
            {
                "student": {"id": 12, "username": "ada", "display_name": "Ada"},
                "cells": [{"memory": 0.61, "studied": 9, "quiz": 0.75, "answers": 8}],
                "memory": 0.61,
            }
        ],
        "class_memory": [0.61],
        "class_quiz": [0.75],
    },
)
MYTH_REPORT = _response(
    "Myth prevalence",
    {
        "classroom": _CLASS_REF,
        "students": 18,
        "weeks": ["2026-02-23", "2026-03-02"],
        "source_note": "From quiz answers only.",
        "myths": [
            {
                "question_id": 31,
                "question": "myths/trauma",
                "option_text": "Yes: the psoas stores emotional trauma",
                "answers": 20,
                "chose": 5,
                "share": 0.25,
                "students_ever": 4,
                "students_latest": 2,
                "weeks": [
                    {"start": "2026-02-23", "answers": 12, "chose": 4, "share": 0.333},
                    {"start": "2026-03-02", "answers": 8, "chose": 1, "share": 0.125},
                ],
            }
        ],
    },
)
