"""The lexicon editor (审核 → 词库管理): browse, edit, try, build, sign, install and roll back lexicon packs and the unit's own layer."""
