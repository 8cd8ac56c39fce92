"""Chinese names of rules, shown to officers instead of internal ids (the id stays in JSON)."""

from __future__ import annotations

from app.model import Category

CATEGORY_NAMES: dict[Category, str] = {
    Category.SECRET_MARK: "密级标志",
    Category.SENSITIVE_TERM: "敏感信息",
    Category.UNPUBLISHED_STATISTIC: "未发布的统计数据",
    Category.PENDING_CASE: "未办结的案件",
    Category.PERSONAL_INFO: "个人信息",
    Category.HARMFUL_CONTENT: "违法有害信息",
    Category.APPROVAL_REQUIRED: "须报批的信息",
    Category.WORDING: "提法不规范",
    Category.TYPO: "错别字",
    Category.HIDDEN_CONTENT: "隐藏内容",
}

RULE_NAMES: dict[str, str] = {
    "secret_mark.classification": "密级标志",
    "secret_mark.classification_over_limit": "密级标志（保密期限超出法定上限）",
    "secret_mark.classification_field": "密级字段",
    "secret_mark.classification_period": "保密期限字段",
    "secret_mark.self_not_for_release": "文件自身注明不得公开",
    "secret_mark.classification_bare": "单独出现的密级字样",
    "secret_mark.internal_notice": "内部资料标注",
    "secret_mark.internal_mark": "内部文件标注",
    "secret_mark.release_on_request": "公开属性为依申请公开",
    "secret_mark.not_for_release": "公开属性为不予公开",
    "unpublished_statistic.prose": "未发布的统计数据",
    "unpublished_statistic.table": "未发布的统计数据（表格）",
    "pending_case.court_case_number": "法院案号",
    "pending_case.admin_case_number": "复议、信访或立案文号",
    "pending_case.pending_state": "未办结的案件或事项",
    "personal_info.resident_id": "居民身份证号码",
    "personal_info.resident_id_suspect": "疑似居民身份证号码",
    "personal_info.bank_card": "银行卡号",
    "personal_info.mobile": "手机号码",
    "personal_info.email": "电子邮箱",
    "personal_info.passport": "护照号码",
    "personal_info.home_address": "个人住址",
    "personal_info.vehicle_plate": "机动车号牌",
    "approval_required.epidemic": "疫情信息（须审批）",
    "approval_required.coordinates": "精确地理坐标（须审核）",
    "approval_required.large_scale_map": "大比例尺地图（须审核）",
    "approval_required.survey_data": "测绘成果（须审核）",
    "approval_required.statistics_release": "统计数据发布（须审批）",
    "spam.seo_chain": "关键词堆砌垃圾信息",
    "spam.lottery": "开奖、投注类赌博垃圾信息",
    "spam.porn": "色情网站用词堆砌",
    "hidden_content.comment": "批注",
    "hidden_content.insertion": "未接受的修订（插入）",
    "hidden_content.deletion": "未接受的修订（删除）",
    "hidden_content.hidden": "隐藏文字",
    "hidden_content.metadata": "文档属性",
}


def rule_name(rule: str, category: Category) -> str:
    """The Chinese name of a rule id; lexicon entries (`harmful-0012`, a user's `xx-3`) are named
    after their category's word list."""
    name = RULE_NAMES.get(rule)
    if name:
        return name
    head = rule.split(".", 1)[0]
    for known, text in RULE_NAMES.items():
        if known.split(".", 1)[0] == head and rule.startswith(known):
            return text
    return f"{CATEGORY_NAMES.get(category, category.value)}词库"
