"""The official Chinese working-day calendar (public holidays and adjusted working days, 调休).

The data ships as `lexicons/calendar/cn_workdays.json` (see its `source` fields and README); a pack
or a unit may supply another file of the same format (`load_calendar(path)`). Years the file does
not cover are counted on weekends only, and `uncovered_years` says which, so callers can warn."""

from app.calendar.workdays import (
    CALENDAR_FORMAT,
    CalendarError,
    WorkdayCalendar,
    calendar_for,
    default_calendar_path,
    load_calendar,
    parse_calendar,
)

__all__ = ["CALENDAR_FORMAT", "CalendarError", "WorkdayCalendar", "calendar_for", "default_calendar_path",
           "load_calendar",
           "parse_calendar"]
