"""One open document: its report, the reviewer's decisions, and the view that shows it
(page images for PDFs with a text layer, the pictures of image files, sheet grids for workbooks,
the document laid out as text otherwise)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from app.model import DocumentReport, Finding
from app.review import Review
from ui.document.document_view import TextDocumentView
from ui.document.image_pages import IMAGE_FORMATS
from ui.document.image_view import ImageView
from ui.document.pdf_view import PdfView
from ui.document.sheet_view import SheetView
from ui.review.dispositions import Dispositions


class DocumentPage(QWidget):
    finding_clicked = Signal(str)
    review_changed = Signal()       # a 审核单 was opened or updated for this document (set_review)
    page_changed = Signal(int)      # the page in view (PDF page view, or page markers of the text)
    layout_ready = Signal()         # the page view (PDF or image) has laid out its pages

    def __init__(self, report: DocumentReport, parent: QWidget | None = None, password: str | None = None) -> None:
        """`password`: the PDF's password when it is encrypted (the page view renders with it)."""
        super().__init__(parent)
        assert report.document is not None
        self.report = report
        self.dispositions = Dispositions(self)
        self._review: Review | None = None    # once a 审核单 exists for this document
        self.stack = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.text_view: TextDocumentView | None = None
        self.pdf_view: PdfView | None = None
        self.sheet_view: SheetView | None = None
        self.image_view: ImageView | None = None
        structure = report.document.structure
        if structure is not None and structure.sheets:
            self.sheet_view = SheetView(self)
            self.sheet_view.set_report(report, self.dispositions)
            self.sheet_view.finding_clicked.connect(self.finding_clicked)
            self.stack.addWidget(self.sheet_view)
        elif report.format == "pdf" and (report.document.pages or 0) > 0:
            self.pdf_view = PdfView(self)
            self.pdf_view.set_report(report, self.dispositions, password=password)
            self.pdf_view.finding_clicked.connect(self.finding_clicked)
            self.pdf_view.page_changed.connect(self.page_changed)
            self.pdf_view.layout_ready.connect(self.layout_ready)
            self.stack.addWidget(self.pdf_view)
        elif report.format in IMAGE_FORMATS and (report.document.pages or 0) > 0:
            self.image_view = ImageView(self)
            self.image_view.set_report(report, self.dispositions)
            self.image_view.finding_clicked.connect(self.finding_clicked)
            self.image_view.page_changed.connect(self.page_changed)
            self.image_view.layout_ready.connect(self.layout_ready)
            self.stack.addWidget(self.image_view)
        else:
            self._ensure_text()

    @property
    def review(self) -> Review | None:
        """The document's 审核单 (app.review.Review), None before one is opened."""
        return self._review

    def set_review(self, review: Review | None) -> None:
        self._review = review
        self.review_changed.emit()

    @property
    def path(self) -> str:
        return self.report.path

    @property
    def is_pdf(self) -> bool:
        return self.pdf_view is not None

    @property
    def has_page_view(self) -> bool:
        """Shown as page images (a PDF, or an image file), with the text view one toggle away."""
        return self.pdf_view is not None or self.image_view is not None

    def _ensure_text(self) -> TextDocumentView:
        if self.text_view is None:
            self.text_view = TextDocumentView(self)
            self.text_view.set_report(self.report, self.dispositions)
            self.text_view.finding_clicked.connect(self.finding_clicked)
            self.text_view.page_changed.connect(self.page_changed)
            self.stack.addWidget(self.text_view)
        return self.text_view

    @property
    def view(self) -> TextDocumentView | PdfView | ImageView | SheetView:
        current = self.stack.currentWidget()
        assert isinstance(current, TextDocumentView | PdfView | ImageView | SheetView)
        return current

    def show_as_text(self, text: bool) -> None:
        if text:
            self.stack.setCurrentWidget(self._ensure_text())
        elif self.pdf_view is not None:
            self.stack.setCurrentWidget(self.pdf_view)
        elif self.image_view is not None:
            self.stack.setCurrentWidget(self.image_view)

    def show_finding(self, f: Finding) -> None:
        self.view.show_finding(f)

    def shutdown(self) -> None:
        if self.pdf_view is not None:
            self.pdf_view.shutdown()
        if self.image_view is not None:
            self.image_view.shutdown()
        if self.text_view is not None:
            self.text_view.shutdown()
        if self.sheet_view is not None:
            self.sheet_view.shutdown()
