"""What a published PDF must not carry besides its pages: document information, XMP metadata,
outline, annotations (comments, form widgets, links), attachments (also PDF 2.0 associated files),
JavaScript and open actions, the structure tree (its /Alt and /ActualText repeat the text) and
page thumbnails. The catalog and every page keep only the keys on a short list of what a viewer
needs to show the pages; everything else is removed and reported. Shared by the partial-disclosure
copy and the clean publishing copy (app.sanitize)."""

from __future__ import annotations

from typing import Any

from app.redact.model import Action

_ROOT_KEEP = frozenset({"/Type", "/Pages", "/Version", "/Extensions", "/PageLabels", "/PageLayout", "/PageMode",
                        "/ViewerPreferences", "/Lang", "/OCProperties"})
_PAGE_KEEP = frozenset({"/Type", "/Parent", "/Resources", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox",
                        "/ArtBox", "/Contents", "/Rotate", "/Group", "/UserUnit", "/Tabs", "/Trans", "/Dur"})
_LABELS = {
    "/Metadata": ("xmp_removed", "XMP 元数据"), "/Outlines": ("outline_removed", "书签（大纲）"),
    "/Names": ("names_removed", "名称树（附件、JavaScript、命名目标）"), "/OpenAction": ("open_action_removed", "打开时执行的动作"),
    "/AA": ("actions_removed", "附加动作"), "/AcroForm": ("form_removed", "表单（域值）"),
    "/StructTreeRoot": ("structure_removed", "结构树（替代文字、实际文字）"), "/MarkInfo": ("structure_removed", "标记信息"),
    "/PieceInfo": ("piece_info_removed", "应用程序私有数据"), "/AF": ("attachments_removed", "关联文件（附件）"),
    "/Annots": ("annotations_removed", "注释、批注、链接和表单控件"), "/Thumb": ("thumbnail_removed", "页面缩略图"),
    "/StructParents": ("structure_removed", "页面结构引用"), "/B": ("threads_removed", "文章线程片段"),
    "/Threads": ("threads_removed", "文章线程"), "/SpiderInfo": ("piece_info_removed", "网页抓取信息"),
    "/Perms": ("signature_removed", "签名权限"), "/DSS": ("signature_removed", "签名验证数据"),
    "/Collection": ("attachments_removed", "附件集合"), "/URI": ("uri_removed", "URI 基址"),
}


def _label(key: str) -> tuple[str, str]:
    return _LABELS.get(key, ("other_removed", f"其他数据 {key.lstrip('/')}"))


def clean_pdf(pdf: Any) -> list[Action]:
    """Remove everything listed above from an open pikepdf document; one Action per kind found."""
    import pikepdf

    actions: list[Action] = []
    info = pdf.trailer.get("/Info")
    if info is not None:
        keys = "、".join(sorted(str(k).lstrip("/") for k in info)) or "空"
        actions.append(Action("info_removed", f"已删除文档信息（{keys}）"))
        del pdf.trailer["/Info"]
    root = pdf.Root
    for key in sorted(str(k) for k in root):
        if key not in _ROOT_KEEP:
            del root[key]
            code, label = _label(key)
            actions.append(Action(code, f"已删除{label}"))
    if str(root.get("/PageMode", "")) in ("/UseOutlines", "/UseAttachments", "/UseOC"):
        root["/PageMode"] = pikepdf.Name.UseNone
    counts: dict[str, int] = {}
    replacement_text = 0
    for page in pdf.pages:
        props = page.resources.get("/Properties")
        if isinstance(props, pikepdf.Dictionary):
            for value in props.values():
                if isinstance(value, pikepdf.Dictionary):
                    for key in ("/ActualText", "/Alt", "/E"):
                        if key in value:
                            del value[key]
                            replacement_text += 1
        for key in sorted(str(k) for k in page.obj):
            if key in _PAGE_KEEP:
                continue
            value = page.obj[key]
            counts[key] = counts.get(key, 0) + (len(value) if key == "/Annots" and isinstance(value, pikepdf.Array) else 1)
            del page.obj[key]
    if replacement_text:
        actions.append(Action("structure_removed", f"已删除标记内容的替代文字（{replacement_text} 处）",
                              count=replacement_text))
    for key, n in sorted(counts.items()):
        code, label = _label(key)
        actions.append(Action(code, f"已删除{label}（{n} 处）", count=n))
    return actions
