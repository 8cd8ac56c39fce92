"""User preferences persisted with QSettings (INI file in the user's config directory)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 10


class Settings:
    """Typed access to the persisted preferences. Pass a QSettings to isolate (tests)."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings or QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                        "MiShen", "MiShen")

    # --- plain values ---------------------------------------------------------------------
    def _str(self, key: str, default: str = "") -> str:
        value = self.q.value(key, default)
        return str(value) if value is not None else default

    def _list(self, key: str) -> list[str]:
        value = self.q.value(key, [])
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value]

    @property
    def data_dir(self) -> str:
        return self._str("general/data_dir")

    @data_dir.setter
    def data_dir(self, value: str) -> None:
        self.q.setValue("general/data_dir", value)

    @property
    def font_family(self) -> str:
        return self._str("appearance/font_family")

    @font_family.setter
    def font_family(self, value: str) -> None:
        self.q.setValue("appearance/font_family", value)

    @property
    def font_size(self) -> int:
        try:
            return int(self._str("appearance/font_size", "10"))
        except ValueError:
            return 10

    @font_size.setter
    def font_size(self, value: int) -> None:
        self.q.setValue("appearance/font_size", int(value))

    @property
    def extra_lexicons(self) -> list[str]:
        """Lexicon pack files used on top of (or instead of) the bundled ones."""
        return self._list("lexicons/extra")

    @extra_lexicons.setter
    def extra_lexicons(self, value: list[str]) -> None:
        self.q.setValue("lexicons/extra", list(value))

    @property
    def use_default_lexicons(self) -> bool:
        return self._str("lexicons/use_defaults", "true").lower() in ("true", "1", "yes")

    @use_default_lexicons.setter
    def use_default_lexicons(self, value: bool) -> None:
        self.q.setValue("lexicons/use_defaults", "true" if value else "false")

    @property
    def ocr_mode(self) -> str:
        """Text recognition of scanned pages: "auto" (pages without a text layer), "on", "off"."""
        from app.ocr.options import OCR_MODES

        value = self._str("scan/ocr", "auto")
        return value if value in OCR_MODES else "auto"

    @ocr_mode.setter
    def ocr_mode(self, value: str) -> None:
        self.q.setValue("scan/ocr", value)

    @property
    def user(self) -> str:
        """The last logged-in reviewer (user name)."""
        return self._str("review/user")

    @user.setter
    def user(self, value: str) -> None:
        self.q.setValue("review/user", value)

    # --- recent files ---------------------------------------------------------------------
    @property
    def recent_files(self) -> list[str]:
        return self._list("files/recent")

    def add_recent(self, path: str) -> list[str]:
        items = [path, *(p for p in self.recent_files if p != path)][:MAX_RECENT]
        self.q.setValue("files/recent", items)
        return items

    def clear_recent(self) -> None:
        self.q.setValue("files/recent", [])

    @property
    def last_dir(self) -> str:
        return self._str("files/last_dir")

    @last_dir.setter
    def last_dir(self, value: str) -> None:
        self.q.setValue("files/last_dir", value)

    # --- window layout --------------------------------------------------------------------
    def geometry(self, name: str) -> QByteArray | None:
        value = self.q.value(f"window/{name}")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, name: str, value: QByteArray) -> None:
        self.q.setValue(f"window/{name}", value)

    def sync(self) -> None:
        self.q.sync()
