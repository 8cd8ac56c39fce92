"""Partial-disclosure copies (区分处理, issue 12): withhold chosen findings from a document.

`select.py` chooses what to withhold (findings by id, category, minimum severity); the per-format
rewriters (`pdf.py` with `pdf_content.py`, `pdf_fonts.py`, `pdf_widths.py`, `pdf_glyphs.py`,
`pdf_images.py`, `pdf_clean.py`; `docx.py` and `xlsx.py` over `ooxml.py`; `text.py`; `image.py`)
build the copy; `gates.py` re-extracts it and
refuses any copy in which a withheld string or a character inside a redaction box survives;
`service.py` runs the two gates before the file is moved into place (app.exports.atomic) and
`record.py` writes the copy into the ledger against its review.
"""
