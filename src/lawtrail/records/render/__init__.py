"""A finalised document version printed in the official A4 layout.

    from lawtrail.records import render
    render.pdf(version)   # bytes of a PDF (WeasyPrint, Noto CJK fonts embedded, no network)
    render.docx(version)  # bytes of a DOCX (docxtpl, from templates/records/print/document.docx)
    render.draft_pdf(document)  # a draft as it would print, marked as a preview
    render.draft_docx(document)  # the same as DOCX

Both show the same thing, built once by ``render.context.context(version)``. WeasyPrint and
docxtpl are imported on first use, not with this package.

(The functions are imported after their modules on purpose: importing the submodule ``pdf``
binds the package attribute ``pdf`` to the module, and the ``from`` import rebinds it to the
function.)
"""

from __future__ import annotations

from .docx import draft_docx, docx
from .pdf import draft_pdf, pdf

__all__ = ["docx", "draft_docx", "draft_pdf", "pdf"]
