"""Messages in the user's language: Vietnamese by default, English on request, via Babel catalogues."""

from __future__ import annotations

import functools
import gettext
import hashlib
import io
import os
from importlib import resources
from pathlib import Path

LANGUAGES = ("vi", "en")
_current = {"lang": None}


def detect() -> str:
    """The language from VBGEN_LANG, else from the locale variables (LC_ALL, LC_MESSAGES, LANG) when
    they name vi or en, else Vietnamese (the system's own default locale is not taken: many offices'
    machines run an English system for Vietnamese work)."""
    for var in ("VBGEN_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            code = value.split("_")[0].split(".")[0].lower()
            if code in LANGUAGES:
                return code
            if var == "VBGEN_LANG":
                break
    return "vi"


def set_language(lang: str | None) -> None:
    """Choose the language of messages for this process (None: detect it)."""
    _current["lang"] = lang if lang in LANGUAGES else None


def language() -> str:
    return _current["lang"] or detect()


@functools.lru_cache(maxsize=8)
def _compiled(lang: str, domain: str) -> gettext.NullTranslations:
    """The catalogue `domain` of `lang`, compiled from its .po file by Babel at first use (no .mo
    to ship) and kept in the user's cache folder, so that the next run (`vbgen --help`) reads the
    compiled file instead of parsing the .po again."""
    source = resources.files("generator").joinpath(f"locale/{lang}/LC_MESSAGES/{domain}.po").read_bytes()
    cached = _cache_dir() / f"{domain}-{lang}-{hashlib.sha256(source).hexdigest()[:16]}.mo"
    try:
        return gettext.GNUTranslations(io.BytesIO(cached.read_bytes()))
    except Exception:  # no cache yet, or a damaged one: compile again
        pass
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    buf = io.BytesIO()
    write_mo(buf, read_po(io.BytesIO(source), locale=lang))
    try:  # a cache only: a read-only home changes nothing
        cached.parent.mkdir(parents=True, exist_ok=True)
        temp = cached.with_suffix(f".{os.getpid()}.tmp")
        temp.write_bytes(buf.getvalue())
        os.replace(temp, cached)
    except OSError:
        pass
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vbgen"


def _translations(lang: str) -> gettext.NullTranslations:
    """vbgen's catalogue of `lang` (the messages are written in Vietnamese: vi needs none)."""
    return gettext.NullTranslations() if lang == "vi" else _compiled(lang, "vbgen")


# click writes its own messages (usage, --help, its errors) in English through gettext; these give
# them in the user's language: Vietnamese from generator/locale/vi/LC_MESSAGES/click.po.
def click_gettext(message: str) -> str:
    return _compiled("vi", "click").gettext(message) if language() == "vi" else message


def click_ngettext(singular: str, plural: str, n: int) -> str:
    if language() == "vi":
        return _compiled("vi", "click").ngettext(singular, plural, n)
    return singular if n == 1 else plural


def help_text(text: str) -> str:
    """A help text of the command line in the current language: vbgen's own (written in
    Vietnamese) from vbgen's catalogue, click's (written in English) from click's."""
    if language() == "vi":
        return _compiled("vi", "click").gettext(text)
    # click made some of its texts once, in the language of that moment (the --help option's)
    return _click_english().get(text) or _translations(language()).gettext(text)


@functools.lru_cache(maxsize=1)
def _click_english() -> dict[str, str]:
    """click's messages by their Vietnamese translation."""
    from babel.messages.pofile import read_po

    with resources.files("generator").joinpath("locale/vi/LC_MESSAGES/click.po").open("rb") as fh:
        return {m.string: m.id for m in read_po(fh) if isinstance(m.id, str) and m.id and m.string}


def N_(message: str, /) -> str:  # noqa: N802 - the gettext convention
    """Mark a message for the catalogue where it is defined; it is translated where it is used."""
    return message


def _(message: str, /, **values: object) -> str:
    """`message` (Vietnamese, with {named} fields) in the current language, fields filled in."""
    text = _translations(language()).gettext(message)
    return text.format(**values) if values else text


class Later:
    """A message kept with its fields and translated when shown: `str()` gives the current language,
    `vi()` the Vietnamese, for what is written into the user's files (which must not depend on the
    language of the messages). Write it `Later(N_("… {name} …"), name=…)` so the catalogue sees it."""

    __slots__ = ("message", "values")

    def __init__(self, message: str, /, **values: object) -> None:
        self.message, self.values = message, values

    def vi(self) -> str:
        values = {k: v.vi() if isinstance(v, Later) else v for k, v in self.values.items()}
        return self.message.format(**values) if values else self.message

    def __str__(self) -> str:
        values = {k: str(v) if isinstance(v, Later) else v for k, v in self.values.items()}
        return _(self.message, **values)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        return str(self) == other if isinstance(other, str) else NotImplemented

    __hash__ = None  # type: ignore[assignment]
