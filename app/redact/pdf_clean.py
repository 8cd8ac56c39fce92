"""What a published PDF must not carry besides its pages: document information, XMP metadata,
outline, annotations (comments, form widgets, links), attachments, JavaScript and open actions,
the structure tree (its /Alt and /ActualText repeat the text) and page thumbnails. Shared by the
partial-disclosure copy and the clean publishing copy (app.sanitize)."""

from __future__ import annotations

from typing import Any

from app.redact.model import Action

_ROOT_KEYS = (
    ("/Metadata", "xmp_removed", "XMP 元数据"),
    ("/Outlines", "outline_removed", "书签（大纲）"),
    ("/Names", "names_removed", "名称树（附件、JavaScript、命名目标）"),
    ("/OpenAction", "open_action_removed", "打开时执行的动作"),
    ("/AA", "actions_removed", "文档级附加动作"),
    ("/AcroForm", "form_removed", "表单（域值）"),
    ("/StructTreeRoot", "structure_removed", "结构树（替代文字、实际文字）"),
    ("/MarkInfo", "structure_removed", "标记信息"),
    ("/PieceInfo", "piece_info_removed", "应用程序私有数据"),
    ("/SpiderInfo", "piece_info_removed", "网页抓取信息"),
    ("/Threads", "threads_removed", "文章线程"),
    ("/URI", "uri_removed", "URI 基址"),
    ("/Collection", "names_removed", "附件集合"),
)
_PAGE_KEYS = ("/Annots", "/AA", "/Metadata", "/PieceInfo", "/Thumb", "/B", "/StructParents")


def clean_pdf(pdf: Any) -> list[Action]:
    """Remove everything listed above from an open pikepdf document; one Action per kind found."""
    actions: list[Action] = []
    info = pdf.trailer.get("/Info")
    if info is not None:
        keys = "、".join(sorted(str(k).lstrip("/") for k in info)) or "空"
        actions.append(Action("info_removed", f"已删除文档信息（{keys}）"))
        del pdf.trailer["/Info"]
    root = pdf.Root
    for key, code, label in _ROOT_KEYS:
        if key in root:
            del root[key]
            actions.append(Action(code, f"已删除{label}"))
    counts: dict[str, int] = {}
    for page in pdf.pages:
        for key in _PAGE_KEYS:
            if key in page.obj:
                if key == "/Annots":
                    counts[key] = counts.get(key, 0) + len(page.obj[key])
                else:
                    counts[key] = counts.get(key, 0) + 1
                del page.obj[key]
    labels = {"/Annots": ("annotations_removed", "注释、批注、链接和表单控件"), "/AA": ("actions_removed", "页面动作"),
              "/Metadata": ("xmp_removed", "页面元数据"), "/PieceInfo": ("piece_info_removed", "页面私有数据"),
              "/Thumb": ("thumbnail_removed", "页面缩略图"), "/B": ("threads_removed", "文章线程片段"),
              "/StructParents": ("structure_removed", "页面结构引用")}
    for key, n in counts.items():
        code, label = labels[key]
        actions.append(Action(code, f"已删除{label}（{n} 处）", count=n))
    return actions
