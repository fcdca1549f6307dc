"""Static files storage for production (DEBUG=0)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed, hashed storage, also rewriting JavaScript module imports.

    static/js/init.js imports govuk-frontend.min.js; with this, the import names the
    hashed file, so a new GOV.UK Frontend version changes init.js's name too and no
    browser keeps running new init.js against a cached old library (or the reverse).
    """

    support_js_module_import_aggregation = True
