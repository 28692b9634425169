"""The student's own exam date, on the progress page."""

from django import forms

BAD_DATE = "Enter the date as year-month-day, for example 2027-06-14."


class ExamDateForm(forms.Form):
    # Not required: an empty date with the Save button clears it, like the Clear button does.
    exam_date = forms.DateField(
        label="Your exam date",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": BAD_DATE},
        help_text="Leave empty to follow your class's exam date.",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
