"""The upload form of the import page: a file, its format, and a default source for GIFT."""

from django import forms

FORMAT_AUTO, FORMAT_GIFT, FORMAT_CSV = "auto", "gift", "csv"
FORMATS_BY_SUFFIX = {".gift": FORMAT_GIFT, ".txt": FORMAT_GIFT, ".csv": FORMAT_CSV}
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_NAME_CHARS = 120

NO_FILE = "Choose a GIFT (.gift or .txt) or CSV (.csv) file to import."
TOO_BIG = (
    "“{name}” is {size} MB; the limit is 2 MB. Split the questions over several files and "
    "import them one after the other."
)
EMPTY_UPLOAD = "“{name}” is empty. Check that you chose the right file and that it was saved."
UNKNOWN_FORMAT = (
    "“{name}” is not a GIFT (.gift, .txt) or CSV (.csv) file. From a spreadsheet, save it as "
    "“CSV UTF-8”; if the file is GIFT or CSV under another name, choose its format above."
)
NOT_UTF8 = (
    "“{name}” is not UTF-8 text. Save it as UTF-8 (in a spreadsheet: “CSV UTF-8”; in a text "
    "editor: encoding UTF-8) and upload it again."
)
NOT_TEXT = (
    "“{name}” contains NUL characters, so it is not a text file. Export your questions as GIFT "
    "or CSV text and upload that file."
)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="GIFT (.gift or .txt) or CSV (.csv), UTF-8, up to 2 MB.",
        error_messages={"required": NO_FILE},
        # Django's own "empty file" message names no file; clean() gives ours.
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".gift,.txt,.csv,text/plain,text/csv"}),
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[
            (FORMAT_AUTO, "From the file name (.gift and .txt: GIFT; .csv: CSV)"),
            (FORMAT_GIFT, "GIFT (Moodle)"),
            (FORMAT_CSV, "CSV (spreadsheet)"),
        ],
        initial=FORMAT_AUTO,
    )
    default_source = forms.CharField(
        label="Default source (GIFT only, optional)",
        required=False,
        max_length=500,
        help_text=(
            "Used for every question that has no “// source:” comment, e.g. "
            "“Standring S. Gray's Anatomy, 42nd ed., 2020.”"
        ),
    )

    def clean(self):
        """Decode the upload; cleaned_data gains `text`, `name` and the resolved `format`."""
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        name = (upload.name or "upload")[-MAX_NAME_CHARS:]
        data["name"] = name
        fmt = data.get("format") or FORMAT_AUTO
        if fmt == FORMAT_AUTO:
            suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
            fmt = FORMATS_BY_SUFFIX.get(suffix)
            if fmt is None:
                self.add_error("file", UNKNOWN_FORMAT.format(name=name))
                return data
        data["format"] = fmt
        if upload.size > MAX_UPLOAD_BYTES:
            size = f"{upload.size / (1024 * 1024):.1f}"
            self.add_error("file", TOO_BIG.format(name=name, size=size))
            return data
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        if not raw:
            self.add_error("file", EMPTY_UPLOAD.format(name=name))
            return data
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.add_error("file", NOT_UTF8.format(name=name))
            return data
        # PostgreSQL text cannot hold NUL, and no question file needs one.
        if "\x00" in text:
            self.add_error("file", NOT_TEXT.format(name=name))
            return data
        if not text.strip():
            self.add_error("file", EMPTY_UPLOAD.format(name=name))
            return data
        data["text"] = text
        return data
