from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from quizzes.selectors.banks import banks_visible_to, banks_with_counts
from quizzes.selectors.home import (
    classes_joined,
    classes_taught,
    student_assignment_rows,
    student_cards_due,
)


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "home/landing.html")
    if user.is_instructor:
        return render(
            request,
            "home/instructor.html",
            {
                "classes": classes_taught(user),
                "banks": banks_with_counts(banks_visible_to(user)),
            },
        )
    return render(
        request,
        "home/student.html",
        {
            "classes": classes_joined(user),
            "rows": student_assignment_rows(user),
            "cards_due": student_cards_due(user),
            # The quiz and study pages are built alongside this one; link to them once they exist.
            "assignment_pages": _url_exists("assignment_detail", args=[1]),
            "study_url": _url_or_none("study"),
        },
    )


def _url_or_none(name: str, args=()) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _url_exists(name: str, args=()) -> bool:
    return _url_or_none(name, args) is not None
