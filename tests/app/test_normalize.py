"""Normalisation keeps an exact map back to the original text."""

from __future__ import annotations

import random

import pytest

from app.model import Document, Location, Part, Segment
from app.normalize import normalize, normalize_document


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("赌 博", "赌博"),
        ("赌*博", "赌博"),
        ("赌·博", "赌博"),
        ("赌\u200b博", "赌博"),
        ("臺灣政府", "台湾政府"),
        ("ＡＢＣ１２３", "abc123"),
        ("㈠秘密★３年", "(一)秘密★3年"),
        ("2025年 12月", "2025年12月"),
        ("省委，省政府", "省委,省政府"),  # real punctuation is kept (clauses matter to rules)
        ("（二）依法", "(二)依法"),
        ("3 0 9 9 万 人 ， 增 长 3 . 4 %", "3099万人,增长3.4%"),  # letter-spaced PDF line
        ("本件属工作\n秘密", "本件属工作秘密"),  # line break inside a sentence
        ("bet 365 online", "bet 365 online"),  # spaces between Latin words stay
        ("免费看\r\n2、全面清理", "免费看\n2、全面清理"),  # a numbered item starts a new line
        ("如下：\n（二）依法", "如下:\n(二)依法"),
        ("常住人口为3099万\r\n人。", "常住人口为3099万人。"),
    ],
)
def test_normalised_forms(original: str, expected: str) -> None:
    assert normalize(original).text == expected


def test_star_is_never_folded() -> None:
    assert "★" in normalize("绝密★长期").text
    assert "☆" in normalize("秘密☆").text


def test_every_span_maps_back_to_original_text() -> None:
    original = "内部 文件，请 勿外传。㈡ 臺灣“行政院” ３ ０ ９ ９ 万 人"
    nt = normalize(original)
    start = nt.text.index("请勿外传")
    a, b = nt.to_original(start, start + 4)
    assert original[a:b] == "请 勿外传"
    s2 = nt.text.index("(二)")
    a, b = nt.to_original(s2, s2 + 3)
    assert original[a:b] == "㈡"  # an expanded character maps back whole
    s3 = nt.text.index("台湾")
    a, b = nt.to_original(s3, s3 + 2)
    assert original[a:b] == "臺灣"


def test_random_text_maps_monotonically() -> None:
    rng = random.Random(7)
    alphabet = "秘密工作文件赌博 　*·\n１２3４abcＡ㈠臺灣，。★"
    for _ in range(300):
        original = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        nt = normalize(original)
        assert len(nt.origin) == len(nt.text) + 1
        assert list(nt.origin) == sorted(nt.origin)
        assert all(0 <= o <= len(original) for o in nt.origin)
        for i in range(len(nt.text)):
            a, b = nt.to_original(i, i + 1)
            assert 0 <= a < b <= len(original)


def test_document_segments_never_join() -> None:
    doc = Document.build("x.txt", "txt", "0" * 64, [
        Segment("本件属工作", Location(Part.BODY, paragraph=1)),
        Segment("秘密事项", Location(Part.BODY, paragraph=2)),
    ])
    nt = normalize_document(doc)
    assert "工作秘密" not in nt.text
    start = nt.text.index("秘密事项")
    a, b = nt.to_original(start, start + 4)
    assert doc.text[a:b] == "秘密事项"
    assert doc.segment_at(a) == 1
