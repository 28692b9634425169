"""The class-reports benchmark rewrites only its own section of the results file."""

from bench.reports import CLASS_END, CLASS_SECTION, replace_section


def test_section_is_added_then_replaced_and_the_rest_kept():
    original = "# Quiz report benchmark\n\nHand-written notes.\n"
    first = replace_section(original, f"{CLASS_SECTION}\n\nrun 1\n\n{CLASS_END}")
    assert first.startswith(original.rstrip("\n"))
    assert "run 1" in first
    notes = first + "\nNotes after the section.\n"
    second = replace_section(notes, f"{CLASS_SECTION}\n\nrun 2\n\n{CLASS_END}")
    assert "run 1" not in second and "run 2" in second
    assert second.startswith(original.rstrip("\n")) and second.endswith(
        "Notes after the section.\n"
    )
    assert second.count(CLASS_SECTION) == 1
