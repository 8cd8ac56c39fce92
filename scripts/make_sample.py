"""Write the bundled sample draft (resources/samples/sample-draft.docx) that the quick start opens.

A fictional county notice with the kinds of problems an information officer meets: a secrecy mark
in the header, unpublished figures, a pending case, personal data, a typo, a comment and document
properties. Run: .venv/bin/python scripts/make_sample.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.shared import Pt

OUT = Path(__file__).resolve().parents[1] / "resources" / "samples" / "sample-draft.docx"

PARAGRAPHS = [
    "关于2026年第三季度优化营商环境工作情况的通报",
    "各乡镇人民政府、县直各部门：",
    "今年以来，全县上下坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实省、市关于优化营商环境的决策部署，"
    "各项工作取得积极成效。现将第三季度工作情况通报如下。",
    "一、总体情况",
    "据初步核算，前三季度全县地区生产总值预计完成186.4亿元，同比增长5.7%，该数据尚未经统计部门审定发布。",
    "二、存在问题",
    "个别部门服务意识不强，仍然默守成规，群众反映较多。县市场监管局办理的某公司涉嫌虚假宣传一案尚未作出处罚决定。",
    "投诉人王某某（身份证号：11010519491231002X，手机：139 1234 5678）反映的问题正在核查中。",
    "三、下一步工作",
    "各单位要继往开来，进一步压实责任，严格执行信息发布保密审查制度，涉及国家秘密的信息一律不得公开。",
    "联系电话：0851-3221234（县营商环境办公室）",
]


def build(path: Path) -> None:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    doc.sections[0].header.paragraphs[0].text = "机密★5年"
    doc.sections[0].footer.paragraphs[0].text = "XX县优化营商环境工作领导小组办公室"
    paras = [doc.add_paragraph(text) for text in PARAGRAPHS]
    doc.add_comment(paras[4].runs, text="这个数字先别公开，等统计局正式发布后再说。", author="张科长", initials="ZK")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([("指标", "1-9月（快报）", "增幅"), ("一般公共预算收入", "12.3亿元", "4.1%"),
                             ("固定资产投资", "58.9亿元", "6.2%")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    props = doc.core_properties
    props.author = "县营商办 李某"
    props.title = "第三季度营商环境通报（征求意见稿）"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print(OUT if len(sys.argv) < 2 else sys.argv[1])
