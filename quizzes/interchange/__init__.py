"""Pure readers and writers of question files: dataclasses in and out, no database."""
