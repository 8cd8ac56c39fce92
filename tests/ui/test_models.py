"""Item models driven through rowCount()/data() directly, without any widget."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from app.model import Category, Severity
from tests.ui.factories import make_report
from ui.batch.batch_models import BatchFilesModel, CategoryModel, FileColumn
from ui.document.findings_model import FINDING_ROLE, KIND_ROLE, Column, FindingFilter, FindingsModel
from ui.review.dispositions import Dispositions, Status
from ui.shell.notices import attention_lines

DISPLAY = Qt.ItemDataRole.DisplayRole


def test_findings_tree_groups_by_severity_then_category():
    report = make_report()
    model = FindingsModel()
    model.set_report(report, Dispositions())
    assert model.rowCount() == 3                      # block, high, medium
    assert model.columnCount() == len(Column)
    top = [model.data(model.index(r, 0), DISPLAY) for r in range(3)]
    assert top == ["禁止发布（1）", "高风险（2）", "需核实（2）"]
    assert model.counts() == {Severity.BLOCK: 1, Severity.HIGH: 2, Severity.MEDIUM: 2}
    assert model.category_counts(Severity.HIGH) == {Category.UNPUBLISHED_STATISTIC: 1,
                                                    Category.PERSONAL_INFO: 1}
    high = model.index(1, 0)
    assert model.rowCount(high) == 2
    cat = model.index(0, 0, high)
    assert model.data(cat, KIND_ROLE) == "category"
    assert model.data(cat, DISPLAY) == "未公开统计数据（1）"
    leaf = model.index(0, 0, cat)
    f = model.data(leaf, FINDING_ROLE)
    assert f.text == "12.6亿元"
    assert model.data(model.index(0, Column.LOCATION, cat), DISPLAY) == "正文 第2段"
    assert model.data(model.index(0, Column.STATUS, cat), DISPLAY) == "待处理"
    assert model.data(model.index(0, Column.RULE, cat), DISPLAY) == f.rule_name != f.rule  # Chinese name
    assert model.parent(leaf) == cat
    assert model.parent(high) == QModelIndex()
    assert model.total() == 5


def test_filter_and_counts_follow_it():
    report = make_report()
    model = FindingsModel()
    model.set_report(report, Dispositions())
    model.set_filter(FindingFilter(severities=frozenset({Severity.HIGH})))
    assert model.counts() == {Severity.HIGH: 2}
    model.set_filter(FindingFilter(query="id_card"))   # matches the rule of the id-card finding only
    assert model.total() == 1
    model.set_filter(FindingFilter(categories=frozenset({Category.HIDDEN_CONTENT})))
    assert [f.rule for f in model.ordered_findings()] == ["hidden_content.comment"]


def test_dispositions_show_in_status_column_and_can_be_hidden():
    report = make_report()
    disp = Dispositions()
    model = FindingsModel()
    model.set_report(report, disp)
    target = report.findings[3]
    disp.set(target, Status.FALSE_ALARM, "人名为公开的新闻发言人")
    index = model.index_of(target.id, Column.STATUS)
    assert model.data(index, DISPLAY) == "误报"
    model.set_filter(FindingFilter(show_closed=False))
    assert model.total() == 4
    assert not model.index_of(target.id).isValid()


def test_decision_needs_reason_and_tracks_recording():
    report = make_report()
    disp = Dispositions()
    try:
        disp.set(report.findings[0], Status.WAIVED, "  ")
    except ValueError:
        pass
    else:  # pragma: no cover
        raise AssertionError("empty reason accepted")
    disp.set(report.findings[0], Status.FALSE_ALARM, "已解密")
    assert list(disp.unrecorded()) == [report.findings[0].id]
    disp.set(report.findings[0], Status.FALSE_ALARM, "已解密", recorded=True)
    assert disp.unrecorded() == {}
    assert disp.get(report.findings[0].id).reason == "已解密"


def test_attention_lines_call_out_scanned_pages_and_hidden_content():
    lines = attention_lines(make_report())
    assert "第 2 页没有文字层" in lines[0]
    assert any("批注 1 处" in line for line in lines)


def test_batch_models_rows_and_category_totals():
    files = BatchFilesModel(root="/tmp")
    cats = CategoryModel()
    report = make_report()
    files.add(report)
    cats.add(report)
    assert files.rowCount() == 1
    assert files.data(files.index(0, FileColumn.NAME), DISPLAY) == "draft.docx"
    assert files.data(files.index(0, FileColumn.BLOCK), DISPLAY) == 1
    assert files.data(files.index(0, FileColumn.TOTAL), DISPLAY) == 5
    assert files.data(files.index(0, FileColumn.STATUS), DISPLAY) == "含无文字层页面，须人工核对"
    assert cats.rowCount() == 4
    assert cats.count(Category.PERSONAL_INFO) == 2
    assert cats.count(Category.PERSONAL_INFO, Severity.MEDIUM) == 1
    assert cats.data(cats.index(0, 0), DISPLAY) == "涉密标识"


def test_attention_lines_name_the_document_kind():
    from dataclasses import replace

    from app.doc_kind import DocKind

    report = replace(make_report(), kind=DocKind("law", ("第X条条文结构（开头12条）",)))
    lines = attention_lines(report)
    assert any("文件类型：法律法规或规章条文" in line and "第X条" in line for line in lines)


def test_audit_rows_show_local_time_chinese_kinds_and_roles(tmp_path, monkeypatch):
    import re

    from app.exports.approval_ledger import LedgerRow
    from app.exports.timefmt import local_time
    from app.ledger import Ledger
    from tests.app.test_packs import Bureau
    from ui.ledger.ledger_models import AuditColumn, approval_table, audit_table

    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    bureau = Bureau(tmp_path, monkeypatch)       # 保密管理员 "admin" and a lexicon signing key
    bureau.trust()
    assert bureau.run("lexicon", "install", str(bureau.pack("2026.1"))) == 0
    with Ledger.open(bureau.home) as ledger:
        events = ledger.events()
        rows = audit_table(events, {})
    by_kind = {ev.kind: row for ev, row in zip(events, rows, strict=True)}
    for row in rows:
        assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", row.cells[AuditColumn.TIME])
    added = by_kind["user_added"].cells
    assert added[AuditColumn.KIND] == "添加用户" and added[AuditColumn.SUMMARY].startswith("admin（保密管理员")
    assert by_kind["lexicon_key_trusted"].cells[AuditColumn.KIND] == "信任词库签发者"
    installed = by_kind["lexicon_pack_installed"].cells
    assert installed[AuditColumn.KIND] == "安装词库包"
    assert installed[AuditColumn.SUMMARY] == "bureau 2026.1（市保密局）"
    assert by_kind["lexicon_pack_activated"].cells[AuditColumn.KIND] == "启用词库包"

    when = "2026-12-01T12:05:30.503+00:00"
    (row,) = approval_table([LedgerRow(when, "市统计局", "R-1", "通知", "工作动态", 1, "科室负责人", "张三",
                                       "科室负责人", "同意", "", "ab" * 32, 5)])
    assert row.cells[0] == local_time(when) and "年" in row.cells[0] and row.time == when
    # the 批示意见 column of the window shows the level's dispositions with the 批示, as the printed 台帐
    (decided,) = approval_table([LedgerRow(when, "市统计局", "R-1", "通知", "工作动态", 1, "主要负责人", "李四",
                                           "主要负责人", "同意", "删除身份证号后发布", "ab" * 32, 6,
                                           dispositions="须修改 1 处：身份证号（删除）")])
    assert decided.cells[8] == "删除身份证号后发布\n须修改 1 处：身份证号（删除）"


# --- every ledger kind the core appends has a Chinese label -------------------------------------

# call sites whose kind is not a constant, and why they add no kind of their own
_VARIABLE_KIND_SITES = {
    ("app/ledger/store.py", "kind"): "the transaction's own append(kind, …): the generic writer",
    ("app/review/package.py", "ev.kind"): "copies a foreign unit's signed / finding_waived (both appended by name)",
}


def _ledger_kinds_appended() -> tuple[set[str], list[str]]:
    """Every kind passed to a ledger append in app/ (tx.append(KIND, payload, signer) and the
    store's _append(head, KIND, …)), read from the source: string literals, and module-level
    constants of the module or imported from another app module. Returns (kinds, unresolved sites)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    trees: dict[str, ast.Module] = {}

    def tree(module: str) -> ast.Module | None:
        path = root / (module.replace(".", "/") + ".py")
        if not path.is_file():
            path = root / module.replace(".", "/") / "__init__.py"
        if not path.is_file():
            return None
        if module not in trees:
            trees[module] = ast.parse(path.read_text(encoding="utf-8"))
        return trees[module]

    def constant(module: str, name: str, depth: int = 0) -> str | None:
        t = tree(module)
        if t is None or depth > 5:
            return None
        for node in t.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str) \
                    and any(isinstance(tg, ast.Name) and tg.id == name for tg in node.targets):
                return node.value.value
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        return constant(node.module, alias.name, depth + 1)
        return None

    kinds: set[str] = set()
    unresolved: list[str] = []
    for path in sorted((root / "app").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        module = rel[:-3].replace("/", ".")
        for node in ast.walk(tree(module) or ast.Module(body=[], type_ignores=[])):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("append", "_append") and len(node.args) + len(node.keywords) >= 3):
                continue
            arg = node.args[1 if node.func.attr == "_append" else 0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                kinds.add(arg.value)
            elif isinstance(arg, ast.Name) and (value := constant(module, arg.id)) is not None:
                kinds.add(value)
            elif (rel, ast.unparse(arg)) not in _VARIABLE_KIND_SITES:
                unresolved.append(f"{rel}:{node.lineno} {ast.unparse(node)[:80]}")
    return kinds, unresolved


def test_every_ledger_kind_appended_in_app_has_a_chinese_label():
    import re

    from app.packs.local import KIND as LOCAL_KIND
    from ui.ledger.ledger_models import KIND_LABELS

    kinds, unresolved = _ledger_kinds_appended()
    assert not unresolved, f"ledger appends whose kind the test cannot read: {unresolved}"
    # the scan found the kinds behind constants too (not only literals)
    assert {LOCAL_KIND, "ledger_created", "consultation_sent", "user_added"} <= kinds
    assert len(kinds) >= 30
    missing = sorted(k for k in kinds if k not in KIND_LABELS)
    assert not missing, f"no Chinese label in ui/ledger/ledger_models.KIND_LABELS for {missing}"
    for kind in kinds:
        assert re.search(r"[\u4e00-\u9fff]", KIND_LABELS[kind]), kind


def test_local_layer_change_shows_chinese_kind_and_summary(tmp_path, monkeypatch):
    from app.ledger import Ledger
    from app.model import Category, Severity
    from app.packs.format import PackEntry
    from app.packs.local import add_local
    from tests.people import add_people
    from ui.ledger.ledger_models import AuditColumn, audit_table
    from ui.lexicon.models import HistoryModel

    monkeypatch.setenv("MISHEN_TEST_FAST_KDF", "1")
    with Ledger.open(tmp_path) as ledger:
        add_people(ledger, {}, "")
        add_local(ledger, tmp_path, PackEntry("", "青松项目", Category.SENSITIVE_TERM.value, Severity.HIGH.value))
        events = ledger.events(kinds=("lexicon_local_changed",))
    (row,) = audit_table(events, {})
    assert row.cells[AuditColumn.KIND] == "本单位词库变更"
    assert row.cells[AuditColumn.SUMMARY] == "新增“青松项目”，本单位词库第 1 版"
    history = HistoryModel()   # the editor's 已安装 tab shows the same entry
    history.set_rows([(ev.seq, ev.kind, ev.actor, dict(ev.payload)) for ev in events])
    assert [history.index(0, c).data(DISPLAY) for c in (1, 2, 4)] == ["本单位词库变更", "本单位 第 1 版", "新增“青松项目”"]
