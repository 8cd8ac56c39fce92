"""The 工作日历 tab of the lexicon editor: the working-day calendar the draft pack carries (or the
shipped one), per year — the notice it comes from, its holidays (放假) and adjusted working days
(调休上班) — with a year added with its source, a holiday or working day added or removed, start from
the shipped calendar or go back to it, and a due date counted over it (征求意见: 5 working days).
The logic is app.packs.calendar_edit; every new draft goes to the window with `draft_edited`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.packs.calendar_edit import (
    MAX_YEAR,
    MIN_YEAR,
    OWN,
    SOURCE_LABELS,
    CalendarYear,
    Holiday,
    add_holiday,
    add_workday,
    add_year,
    calendar_source,
    calendar_years,
    due_date,
    own_from_bundled,
    remove_holiday,
    remove_workday,
    remove_year,
    set_source,
    use_bundled,
)
from app.packs.format import Pack
from ui.lexicon.models import ROW_ROLE, TableModel
from ui.lexicon.pages import table
from ui.lexicon.section_page import DraftSectionPage

WEEKDAYS = "一二三四五六日"


class HolidaysModel(TableModel):
    headers = ("节日", "放假开始", "放假结束", "天数")

    def cells(self, row: Holiday) -> tuple[str, ...]:
        return (row.name, row.first.isoformat(), row.last.isoformat(), str(len(row.days)))


class WorkdaysModel(TableModel):
    headers = ("调休上班日", "星期")

    def cells(self, row: date) -> tuple[str, ...]:
        return (row.isoformat(), f"星期{WEEKDAYS[row.weekday()]}")


def _date_edit(parent: QWidget) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _day(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


class CalendarPage(DraftSectionPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("calendar", parent)
        self.years: tuple[CalendarYear, ...] = ()
        self.year = QComboBox(self)
        self.year.setObjectName("calendarYear")
        self.source_label = QLabel("", self)
        self.source_label.setObjectName("calendarSource")
        self.own_button = QPushButton(self.tr("以内置日历为起点"), self)
        self.bundled_button = QPushButton(self.tr("恢复使用内置日历"), self)
        self.remove_year_button = QPushButton(self.tr("删除该年"), self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年份"), self))
        top.addWidget(self.year)
        top.addWidget(self.source_label, 1)
        for b in (self.remove_year_button, self.own_button, self.bundled_button):
            top.addWidget(b)
        self.notice = QLineEdit(self)
        self.notice.setObjectName("calendarNotice")
        self.notice.setPlaceholderText(self.tr("该年安排的来源：国务院办公厅关于××年部分节假日安排的通知（标题、网址）"))
        self.notice_button = QPushButton(self.tr("保存来源"), self)
        notice = QHBoxLayout()
        notice.addWidget(QLabel(self.tr("来源"), self))
        notice.addWidget(self.notice, 1)
        notice.addWidget(self.notice_button)

        self.holidays = HolidaysModel(self)
        self.holidays_view = table(self, self.holidays)
        self.holidays_view.setObjectName("calendarHolidays")
        self.workdays = WorkdaysModel(self)
        self.workdays_view = table(self, self.workdays)
        self.workdays_view.setObjectName("calendarWorkdays")
        self.holiday_name = QLineEdit(self)
        self.holiday_name.setPlaceholderText(self.tr("节日名称，如 春节"))
        self.holiday_from, self.holiday_to = _date_edit(self), _date_edit(self)
        self.add_holiday_button = QPushButton(self.tr("加入放假"), self)
        self.remove_holiday_button = QPushButton(self.tr("删除所选放假"), self)
        self.workday = _date_edit(self)
        self.add_workday_button = QPushButton(self.tr("加入调休上班日"), self)
        self.remove_workday_button = QPushButton(self.tr("删除所选上班日"), self)
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("放假（含其中的周末）"), self), 0, 0)
        grid.addWidget(QLabel(self.tr("调休上班（周六、周日）"), self), 0, 1)
        grid.addWidget(self.holidays_view, 1, 0)
        grid.addWidget(self.workdays_view, 1, 1)
        hrow = QHBoxLayout()
        for w in (self.holiday_name, QLabel(self.tr("自"), self), self.holiday_from, QLabel(self.tr("至"), self),
                  self.holiday_to, self.add_holiday_button, self.remove_holiday_button):
            hrow.addWidget(w)
        wrow = QHBoxLayout()
        for w in (self.workday, self.add_workday_button, self.remove_workday_button):
            wrow.addWidget(w)
        grid.addLayout(hrow, 2, 0)
        grid.addLayout(wrow, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)

        new_year = QGroupBox(self.tr("新增年份（国务院办公厅发布当年节假日安排后）"), self)
        self.new_year = QSpinBox(new_year)
        self.new_year.setRange(MIN_YEAR, MAX_YEAR)
        self.new_year.setValue(date.today().year + 1)
        self.new_source = QLineEdit(new_year)
        self.new_source.setObjectName("calendarNewSource")
        self.new_source.setPlaceholderText(self.tr("国务院办公厅关于××年部分节假日安排的通知（标题、网址）"))
        self.add_year_button = QPushButton(self.tr("新增年份"), new_year)
        nrow = QHBoxLayout(new_year)
        nrow.addWidget(self.new_year)
        nrow.addWidget(self.new_source, 1)
        nrow.addWidget(self.add_year_button)

        trial = QGroupBox(self.tr("试算期限（征求意见：发出后 5 个工作日）"), self)
        self.trial_start = _date_edit(trial)
        self.trial_start.setDate(QDate.currentDate())
        self.trial_days = QSpinBox(trial)
        self.trial_days.setRange(0, 365)
        self.trial_days.setValue(5)
        self.trial_button = QPushButton(self.tr("计算"), trial)
        self.trial_result = QLabel("", trial)
        self.trial_result.setObjectName("calendarDue")
        self.trial_result.setWordWrap(True)
        trow = QHBoxLayout(trial)
        for w in (QLabel(self.tr("发出日"), trial), self.trial_start, self.trial_days, QLabel(self.tr("个工作日后"), trial),
                  self.trial_button):
            trow.addWidget(w)
        trow.addWidget(self.trial_result, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("本词库包带了工作日历，就按它计算工作日（征求意见期限等）；没带的沿用密审内置的日历。"
                                        "改动进入草稿，生成并签名新版本后生效。"), self))
        layout.addLayout(top)
        layout.addLayout(notice)
        layout.addLayout(grid, 1)
        layout.addWidget(new_year)
        layout.addWidget(trial)
        layout.addWidget(self.problem)

        self.year.currentIndexChanged.connect(lambda _i: self._show_year())
        self.own_button.clicked.connect(lambda: self._apply(own_from_bundled, self.tr("本词库包现自带工作日历（从内置日历复制）。")))
        self.bundled_button.clicked.connect(lambda: self._apply(use_bundled, self.tr("工作日历改回使用内置日历（草稿不再自带）。")))
        self.remove_year_button.clicked.connect(lambda: self.remove_current_year())
        self.notice_button.clicked.connect(lambda: self.save_source())
        self.add_year_button.clicked.connect(lambda: self.add_year())
        self.add_holiday_button.clicked.connect(lambda: self.add_holiday())
        self.remove_holiday_button.clicked.connect(lambda: self.remove_selected_holiday())
        self.add_workday_button.clicked.connect(lambda: self.add_workday())
        self.remove_workday_button.clicked.connect(lambda: self.remove_selected_workday())
        self.trial_button.clicked.connect(lambda: self.compute_due())

    # --- state ------------------------------------------------------------------------------------
    def set_draft(self, draft: Pack | None) -> None:
        current = self.current_year
        self.draft = draft
        self.years = calendar_years(draft) if draft is not None else ()
        self.year.blockSignals(True)
        self.year.clear()
        for y in self.years:
            self.year.addItem(self.tr("{0} 年").format(y.year), y.year)
        self.year.setCurrentIndex(max(0, self.year.findData(current)) if current is not None
                                  else self.year.count() - 1)
        self.year.blockSignals(False)
        if draft is not None:
            source = calendar_source(draft)
            self.source_label.setText(self.tr(SOURCE_LABELS[source]))
            self.source_label.setStyleSheet("font-weight:bold" if source == OWN else "color:#555")
            self.own_button.setEnabled(source != OWN)
            self.bundled_button.setEnabled(source == OWN)
        self._show_year()

    @property
    def current_year(self) -> int | None:
        data = self.year.currentData()
        return int(data) if data is not None else None

    def choose_year(self, year: int) -> None:
        self.year.setCurrentIndex(self.year.findData(year))

    def _this(self) -> CalendarYear | None:
        return next((y for y in self.years if y.year == self.current_year), None)

    def _show_year(self) -> None:
        y = self._this()
        self.notice.setText(y.source if y else "")
        self.holidays.set_rows(list(y.holidays) if y else [])
        self.workdays.set_rows(list(y.workdays) if y else [])
        if y is not None:
            first = QDate(y.year, 1, 1)
            for edit in (self.holiday_from, self.holiday_to, self.workday):
                if edit.date().year() != y.year:
                    edit.setDate(first)

    # --- edits ------------------------------------------------------------------------------------
    def _apply(self, change: Callable[[Pack], Pack], done: str, year: int | None = None) -> bool:
        """As DraftSectionPage._apply, then `year` chosen when given."""
        ok = super()._apply(change, done)
        if ok and year is not None:
            self.choose_year(year)
        return ok

    def _need_year(self) -> int | None:
        year = self.current_year
        if year is None:
            self.problem.setText(self.tr("请先选择年份。"))
        return year

    def add_year(self, year: int | None = None, source: str | None = None) -> bool:
        y = self.new_year.value() if year is None else year
        text = self.new_source.text() if source is None else source
        ok = self._apply(lambda d: add_year(d, y, text), self.tr("已在草稿的工作日历中新增 {0} 年。").format(y), y)
        if ok:
            self.new_source.clear()
        return ok

    def save_source(self) -> bool:
        year = self._need_year()
        if year is None:
            return False
        text = self.notice.text()
        return self._apply(lambda d: set_source(d, year, text), self.tr("已修改 {0} 年的来源。").format(year), year)

    def remove_current_year(self) -> bool:
        year = self._need_year()
        if year is None:
            return False
        return self._apply(lambda d: remove_year(d, year), self.tr("已从草稿的工作日历删除 {0} 年。").format(year))

    def add_holiday(self, name: str | None = None, first: date | None = None, last: date | None = None) -> bool:
        year = self._need_year()
        if year is None:
            return False
        n = self.holiday_name.text() if name is None else name
        a = _day(self.holiday_from) if first is None else first
        b = (_day(self.holiday_to) if first is None else None) if last is None else last
        ok = self._apply(lambda d: add_holiday(d, year, n, a, b),
                         self.tr("已在 {0} 年加入放假：{1}（{2} 起）。").format(year, n.strip(), a.isoformat()), year)
        if ok:
            self.holiday_name.clear()
        return ok

    def remove_selected_holiday(self) -> bool:
        year, index = self._need_year(), self.holidays_view.currentIndex()
        if year is None or not index.isValid():
            self.problem.setText(self.tr("请先选择要删除的放假安排。"))
            return False
        h: Holiday = index.data(ROW_ROLE)
        return self._apply(lambda d: remove_holiday(d, year, h.first),
                           self.tr("已删除 {0} 年的放假：{1}。").format(year, h.name), year)

    def add_workday(self, day: date | None = None) -> bool:
        year = self._need_year()
        if year is None:
            return False
        w = _day(self.workday) if day is None else day
        return self._apply(lambda d: add_workday(d, year, w),
                           self.tr("已在 {0} 年加入调休上班日 {1}。").format(year, w.isoformat()), year)

    def remove_selected_workday(self) -> bool:
        year, index = self._need_year(), self.workdays_view.currentIndex()
        if year is None or not index.isValid():
            self.problem.setText(self.tr("请先选择要删除的调休上班日。"))
            return False
        w: date = index.data(ROW_ROLE)
        return self._apply(lambda d: remove_workday(d, year, w),
                           self.tr("已删除 {0} 年的调休上班日 {1}。").format(year, w.isoformat()), year)

    def compute_due(self, start: date | None = None, days: int | None = None) -> date | None:
        """The due date counted on the draft's calendar (shown in the page)."""
        if self.draft is None:
            return None
        s = _day(self.trial_start) if start is None else start
        n = self.trial_days.value() if days is None else days
        due, warning = due_date(self.draft, s, n)
        self.trial_result.setText(self.tr("{0} 发出，{1} 个工作日后到期：{2}（星期{3}）。{4}")
                                  .format(s.isoformat(), n, due.isoformat(), WEEKDAYS[due.weekday()], warning))
        return due
