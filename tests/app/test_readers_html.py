"""The HTML reader: visible text, title, attributes, meta, hidden elements; no script/style."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.model import Part
from app.readers import read_document
from tests import builders as b


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_page(tmp_path: Path, charset: str) -> None:
    doc = read_document(b.build_html(tmp_path / "page.html", charset))
    assert doc.format == "html"
    assert doc.encoding == ("utf-8" if charset == "utf-8" else "gb18030")
    by_part: dict[Part, list[str]] = {}
    for seg in doc.segments:
        by_part.setdefault(seg.location.part, []).append(seg.text)
    assert by_part[Part.TITLE] == ["网页标题：政务公开"]
    assert "正文标题" in by_part[Part.BODY]
    assert "第一段正文，加粗部分继续。" in by_part[Part.BODY]
    assert "最后一段 正文" in by_part[Part.BODY]
    # the Chinese text an inline script holds is read as attribute text labelled as such
    assert set(by_part[Part.ATTRIBUTE]) == {"图片说明：秘密文件扫描件", "链接提示文字", "脚本里的字"}
    assert set(by_part[Part.METADATA]) == {"页面描述：内部测试", "关键词一,关键词二"}
    assert {"隐藏的段落文字", "另一个隐藏段落", "注释里的内部意见"} <= set(by_part[Part.HIDDEN])
    assert "var secret" not in doc.text                       # the code itself is not
    for absent in ("样式里的字", "不应读取的文字", "color"):
        assert absent not in doc.text


def test_attribute_labels(tmp_path: Path) -> None:
    doc = read_document(b.build_html(tmp_path / "page.htm"))
    labels = {s.location.label for s in doc.segments if s.location.part is Part.ATTRIBUTE}
    assert labels == {"img alt", "a title", "脚本中的文字"}


def test_html_without_suffix_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "page"
    path.write_bytes(b.HTML_PAGE.format(charset="utf-8").encode())
    assert read_document(path).format == "html"


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("本机文件内容", encoding="utf-8")
    path = tmp_path / "x.html"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]>'
                    f"<html><body><p>前&x;后</p></body></html>", encoding="utf-8")
    doc = read_document(path)
    assert "本机文件内容" not in doc.text
