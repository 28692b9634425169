from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("quizzes.api.urls")),
    path("", include("quizzes.urls")),
]

# The 500 page's inline styles need a CSP hash on the response (quizzes/views/errors.py).
handler500 = "quizzes.views.errors.server_error"
