"""Statistics of the review work (信息发布保密审查暂行办法 第五条(三): counted, analysed, reported),
computed from the ledger only: `compute_stats` → a frozen `ReviewStats`; `stats_text`/`stats_json`
for the CLI; `export_stats` for the printable report (docx, PDF, xlsx)."""

from app.stats.compute import compute_stats, parse_day
from app.stats.model import Count, LevelTiming, ReviewStats

__all__ = ["Count", "LevelTiming", "ReviewStats", "compute_stats", "parse_day"]
