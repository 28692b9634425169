"""Forms instructors use to run a class. They only read what was typed; what the values may
be is decided by quizzes/services/classes.py, whose messages the views tie to these fields."""

from django import forms
from django.utils import timezone

from quizzes.models import User

BAD_NUMBER = "Type a whole number, for example 20."
BAD_RETENTION = "Type a number between 0.70 and 0.99, for example 0.90."
RETENTION_REQUIRED = "Type the target retention, for example 0.90."
LIMIT_REQUIRED = "Type a number; 0 means none."
BAD_DATE = "Type the date as year-month-day, for example 2027-06-14."
BAD_DATETIME = "Type the date and time as year-month-day hour:minute, for example 2027-06-14 17:00."
NAME_TOO_LONG = "Keep the name to 200 characters or fewer."
QUIZ_REQUIRED = "Choose a quiz to assign."
STUDENT_REQUIRED = "Choose a student."
STUDENT_NOT_LISTED = "Choose one of the students listed."
EXTENSION_DUE_REQUIRED = "Type the new due date and time."

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _zone_note() -> str:
    return f"Times are in {timezone.get_current_timezone_name()}."


def moment_field(label: str, help_text: str = "", required: bool = False) -> forms.DateTimeField:
    """A date and time typed in a datetime-local input, read in the site's time zone."""
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_INPUT_FORMATS,
        error_messages={"invalid": BAD_DATETIME, "required": EXTENSION_DUE_REQUIRED},
        help_text=help_text,
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )


class ClassSettingsForm(forms.Form):
    # Not required: the service says what an empty name means.
    name = forms.CharField(
        label="Class name",
        required=False,
        max_length=200,
        error_messages={"max_length": NAME_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    desired_retention = forms.DecimalField(
        label="Target retention",
        initial="0.90",
        error_messages={"invalid": BAD_RETENTION, "required": RETENTION_REQUIRED},
        help_text="Between 0.70 and 0.99. 0.90 schedules each card to come back when a student "
        "still has a 9 in 10 chance of remembering it; higher means more reviews.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    new_cards_per_day = forms.IntegerField(
        label="New cards per day",
        initial=20,
        error_messages={"invalid": BAD_NUMBER, "required": LIMIT_REQUIRED},
        help_text="Most new cards a student meets in a day.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    reviews_per_day = forms.IntegerField(
        label="Reviews per day",
        initial=200,
        error_messages={"invalid": BAD_NUMBER, "required": LIMIT_REQUIRED},
        help_text="Most reviews of known cards a student is asked for in a day.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    exam_date = forms.DateField(
        label="Exam date (optional)",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": BAD_DATE},
        help_text="Cards are scheduled to come back before it. A student's own exam date wins.",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    join_code_expires_at = moment_field("Join code expires (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "join_code_expires_at"
        ].help_text = f"Leave empty for a code that works until you regenerate it. {_zone_note()}"


class RegenerateCodeForm(forms.Form):
    expires_at = moment_field("New code expires (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "expires_at"
        ].help_text = (
            f"Leave empty for a code that works until you regenerate it again. {_zone_note()}"
        )


class UsernameForm(forms.Form):
    # Not required: the service says what an empty username means.
    username = forms.CharField(
        label="Username",
        required=False,
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, label: str = "Username", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = label


class AssignmentDatesForm(forms.Form):
    opens_at = moment_field(
        "Opens (optional)", "Students can start it from then. Empty: as soon as it is assigned."
    )
    due_at = moment_field(
        "Due (optional)",
        "Shown to students as the deadline; they can still start it until it closes.",
    )
    closes_at = moment_field(
        "Closes (optional)", "No new attempts after this. Empty: it never closes."
    )


class AssignmentCreateForm(AssignmentDatesForm):
    quiz = forms.ModelChoiceField(
        label="Quiz",
        queryset=None,
        empty_label="Choose a quiz…",
        error_messages={"required": QUIZ_REQUIRED},
    )
    field_order = ["quiz", "opens_at", "due_at", "closes_at"]

    def __init__(self, *args, quizzes, **kwargs):
        from quizzes.services.classes import QUIZ_NOT_AVAILABLE

        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = quizzes
        self.fields["quiz"].error_messages["invalid_choice"] = QUIZ_NOT_AVAILABLE


class ExtensionForm(forms.Form):
    student = forms.ModelChoiceField(
        label="Student",
        queryset=User.objects.none(),
        empty_label="Choose a student…",
        error_messages={"required": STUDENT_REQUIRED, "invalid_choice": STUDENT_NOT_LISTED},
    )
    due_at = moment_field("New due date", "Must be after the assignment's due date.", required=True)
    closes_at = moment_field(
        "New closing date (optional)",
        "Empty: the student can start it until the new due date, or until the class's "
        "closing date if that is later.",
    )

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
        self.fields["student"].label_from_instance = lambda user: (
            f"{user.display_name} ({user.username})" if user.display_name else user.username
        )
