"""Links of a saved page resolved inside the mirror (wget/HTTrack layouts), never the network."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.patrol.sources import hosts_of, resolve_link

PRESENT = {"www.x.gov.cn/index.html", "www.x.gov.cn/news/a.html", "www.x.gov.cn/news/index.html",
           "www.x.gov.cn/files/附件一.pdf", "www.x.gov.cn/list.php?id=3.html", "www.x.gov.cn/img/logo.png"}
HOSTS = {"www.x.gov.cn": "www.x.gov.cn"}
PAGE = "www.x.gov.cn/news/a.html"


@pytest.mark.parametrize(("href", "outcome", "target"), [
    ("../index.html", "ok", "www.x.gov.cn/index.html"),
    ("a.html#top", "ok", PAGE),                                            # the fragment is not a file
    ("/files/%E9%99%84%E4%BB%B6%E4%B8%80.pdf", "ok", "www.x.gov.cn/files/附件一.pdf"),  # root-relative, percent-encoded
    ("http://www.x.gov.cn/news/", "ok", "www.x.gov.cn/news/index.html"),   # absolute, own host, a folder
    ("HTTPS://WWW.X.GOV.CN/img/logo.png", "ok", "www.x.gov.cn/img/logo.png"),
    ("/list.php?id=3", "ok", "www.x.gov.cn/list.php?id=3.html"),           # wget --adjust-extension names
    ("../files/gone.docx", "broken", "www.x.gov.cn/files/gone.docx"),
    ("../../../etc/passwd", "outside", None),
    ("file:///etc/passwd", "outside", None),
    ("http://www.other.cn/a.html", "external", None),                      # another site: never fetched
    ("mailto:office@x.gov.cn", "ignored", None),
    ("javascript:void(0)", "ignored", None),
])
def test_links_resolve_inside_the_mirror(href: str, outcome: str, target: str | None) -> None:
    link = resolve_link(PAGE, href, PRESENT, HOSTS)
    assert (link.outcome, link.target) == (outcome, target)


def test_host_folders_and_a_mirror_opened_at_its_host_folder(tmp_path: Path) -> None:
    (tmp_path / "www.x.gov.cn").mkdir()
    (tmp_path / "hts-cache").mkdir()
    assert hosts_of(str(tmp_path)) == {"www.x.gov.cn": "www.x.gov.cn"}
    inside = hosts_of(str(tmp_path / "www.x.gov.cn"))
    assert inside == {"www.x.gov.cn": ""}
    link = resolve_link("news/a.html", "http://www.x.gov.cn/index.html", {"index.html"}, inside)
    assert (link.outcome, link.target) == ("ok", "index.html")
    root = resolve_link("news/a.html", "/index.html", {"index.html"}, inside)
    assert (root.outcome, root.target) == ("ok", "index.html")
