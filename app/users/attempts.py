"""Password attempts: recorded in the ledger and throttled.

Every failed attempt appends `login_failed` (who, what was attempted, how many failures in a row;
never the password), signed by the workstation key. A success after failures appends
`login_succeeded`, and a 保密管理员 lifting a lockout appends `user_unlocked` (signed by them);
either ends the run of failures. The throttle is a pure policy over the failure count:
after `FREE_ATTEMPTS` failures every further attempt must wait `delay_after(n)` seconds from the
last failure, and after `LOCKOUT_AT` failures the account is locked until a 保密管理员 unlocks it.
Because the count and times live in the ledger, separate processes share one throttle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app.ledger.store import Ledger

FREE_ATTEMPTS = 5
LOCKOUT_AT = 10
MAX_DELAY = 300.0
ATTEMPT_KINDS = ("login_failed", "login_succeeded", "user_unlocked")
BAD_CREDENTIALS = "用户名或密码错误。"

Clock = Callable[[], datetime]


def delay_after(failures: int) -> float:
    """Seconds to wait after the last failure before another attempt: none for the first
    FREE_ATTEMPTS failures, then 1, 2, 4, 8… seconds (capped at MAX_DELAY)."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(MAX_DELAY, float(2 ** (failures - FREE_ATTEMPTS)))


def is_locked(failures: int) -> bool:
    return failures >= LOCKOUT_AT


@dataclass(frozen=True, slots=True)
class AttemptState:
    name: str
    failures: int                  # consecutive failures since the last success or unlock
    last_failure: datetime | None

    def wait_seconds(self, now: datetime) -> float:
        """How long the next attempt must still wait (0: go ahead)."""
        if self.last_failure is None:
            return 0.0
        elapsed = (now - self.last_failure).total_seconds()
        return max(0.0, delay_after(self.failures) - elapsed)


def _local_now() -> datetime:
    return datetime.now().astimezone()


def attempt_state(ledger: Ledger, name: str) -> AttemptState:
    """The run of failures for `name` as the ledger records it."""
    failures, last = 0, None
    rows = ledger.conn.execute(
        "SELECT kind, time FROM events WHERE kind IN (?, ?, ?) AND json_extract(payload, '$.name') = ? ORDER BY seq",
        (*ATTEMPT_KINDS, name))
    for kind, time in rows:
        if kind == "login_failed":
            failures, last = failures + 1, datetime.fromisoformat(str(time))
        else:
            failures, last = 0, None
    return AttemptState(name, failures, last)


def record_failure(ledger: Ledger, name: str, attempt: str, failures: int) -> None:
    if ledger.read_only:
        return
    with ledger.transaction() as tx:
        tx.append("login_failed", {"name": name, "attempt": attempt, "failures": failures}, ledger.workstation_signer())


def record_success(ledger: Ledger, name: str, attempt: str) -> None:
    if ledger.read_only:
        return
    with ledger.transaction() as tx:
        tx.append("login_succeeded", {"name": name, "attempt": attempt}, ledger.workstation_signer())
