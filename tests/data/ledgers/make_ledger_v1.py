"""Regenerate `ledger-v1.sqlite3`: a ledger at released schema version 1 with users, a review, a
waiver and sign-offs, for the migration tests. Run once per released schema version and commit:

    MISHEN_TEST_FAST_KDF=1 .venv/bin/python tests/data/ledgers/make_ledger_v1.py
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from app.ledger import Ledger  # noqa: E402
from app.review import Decision, open_review, sign_review, waive_finding  # noqa: E402
from app.users import Role, add_user  # noqa: E402
from tests.app.test_review_helpers import PASSWORD, planted_scanner  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        with Ledger.open(home, schema_target=1) as ledger:
            for name, role in (("xiao_li", Role.OFFICER), ("wang_fg", Role.DIVISION_LEADER),
                               ("zhang_zy", Role.PRINCIPAL)):
                add_user(ledger, name, role, PASSWORD, unit="市统计局")
            doc = Path(tmp) / "通知.txt"
            doc.write_text("关于年度统计工作的通知 [[block]]\n", encoding="utf-8")
            review = open_review(ledger, doc, title="关于年度统计工作的通知", unit="市统计局", scanner=planted_scanner)
            waive_finding(ledger, review.id, finding_id=review.current.findings[0].id, user="zhang_zy",
                          password=PASSWORD, reason="标志为示例文字，经核实不涉密")
            sign_review(ledger, review.id, level=1, user="xiao_li", password=PASSWORD, decision=Decision.APPROVE)
            sign_review(ledger, review.id, level=2, user="wang_fg", password=PASSWORD, decision=Decision.APPROVE)
            sign_review(ledger, review.id, level=3, user="zhang_zy", password=PASSWORD, decision=Decision.APPROVE,
                        opinion="同意发布")
            ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn = sqlite3.connect(home / "ledger.sqlite3")
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        shutil.copy(home / "ledger.sqlite3", HERE / "ledger-v1.sqlite3")
    print(HERE / "ledger-v1.sqlite3")


if __name__ == "__main__":
    main()
