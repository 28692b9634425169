from django.shortcuts import render

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
        },
    )
