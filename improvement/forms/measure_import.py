"""The upload of a file of measures' values (checked row by row in improvement.measure_import)."""

from pathlib import PurePath

from django import forms
from django.template.defaultfilters import filesizeformat

# Larger files are refused before they are read: an import is checked while the person waits.
MAX_BYTES = 5 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")


class MeasureImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        widget=forms.FileInput(attrs={"accept": ",".join(EXTENSIONS)}),
        help_text="A CSV or Excel (.xlsx) file with the columns of the download, "
        f"smaller than {filesizeformat(MAX_BYTES)}.",
        error_messages={
            "required": "Select a CSV or Excel file",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV or Excel file",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name or "").suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError("The selected file must be a CSV or Excel (.xlsx) file")
        if (upload.size or 0) > MAX_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {filesizeformat(MAX_BYTES)}"
            )
        return upload
