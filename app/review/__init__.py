"""Four-level review (四级负责制), 三审三校 and unit-defined routes: reviews, sign-offs, waivers."""

from app.review.false_alarms import FalseAlarm, false_alarms, mark_false_alarm
from app.review.gating import (
    ReviewState,
    Verdict,
    check_sign,
    check_waive,
    required_levels,
    review_state,
    suggest_class,
)
from app.review.model import (
    Decision,
    Disclosure,
    DocumentVersion,
    FindingRef,
    InfoClass,
    Review,
    SignOff,
    Status,
    Waiver,
)
from app.review.projection import ReviewError
from app.review.routes import BUILTIN_ROUTES, Level, Route, load_route
from app.review.scanning import Scanner, ScanResult, default_scanner, engine_scanner
from app.review.service import list_reviews, load_review, open_review, resubmit, sign_review, waive_finding

__all__ = [
    "BUILTIN_ROUTES",
    "Decision",
    "Disclosure",
    "DocumentVersion",
    "FalseAlarm",
    "FindingRef",
    "InfoClass",
    "Level",
    "Review",
    "ReviewError",
    "ReviewState",
    "Route",
    "ScanResult",
    "Scanner",
    "SignOff",
    "Status",
    "Verdict",
    "Waiver",
    "check_sign",
    "check_waive",
    "default_scanner",
    "engine_scanner",
    "false_alarms",
    "list_reviews",
    "load_review",
    "load_route",
    "mark_false_alarm",
    "open_review",
    "required_levels",
    "resubmit",
    "review_state",
    "sign_review",
    "suggest_class",
    "waive_finding",
]
