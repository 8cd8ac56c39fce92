"""Lexicon packs: the secrecy bureau's signed, versioned lexicons (see docs/lexicon-packs.md).

`format` (the one-JSON-document pack and its canonical layout), `signing` (keys, signatures),
`importer` (xlsx/csv/txt with column mapping and row-numbered errors), `layers` (installed packs
on disk, what `mishen scan` loads), `service` (trust, install, rollback: ledger entries),
`vectors`, `diff`, `export`.
"""
