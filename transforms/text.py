"""Text normalisation shared by every stage: one canonical form for the body text.

``normalise`` only changes what carries no meaning: line ends, the many Unicode spaces,
invisible zero-width characters and the composition form (NFC). Quotation marks, dashes,
apostrophes and every printable character are kept as written, so quotes and numbers found
later still read exactly as the outlet printed them.
"""

from __future__ import annotations

import re
import unicodedata

# Unicode space variants that become a plain space (NBSP, narrow NBSP, en/em/thin/hair
# spaces, ideographic space, ...). Tab is kept: it is ordinary ASCII whitespace.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Zero-width and invisible formatting characters that are removed outright (zero-width
# space, non-joiner, joiner, word joiner, BOM, soft hyphen, LRM/RLM marks).
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"
# Unicode line and paragraph separators, vertical tab, form feed and NEL become LF.
_LINE_BREAKS = "\u2028\u2029\u0085\x0b\x0c"

_TABLE = str.maketrans(
    {**{c: " " for c in _SPACES}, **{c: None for c in _ZERO_WIDTH}, **{c: "\n" for c in _LINE_BREAKS}}
)
_CRLF = re.compile(r"\r\n?")
_ODD = re.compile(f"[{_SPACES}{_ZERO_WIDTH}{_LINE_BREAKS}]")


def normalise(text: str) -> str:
    """CRLF/CR -> LF, Unicode spaces and NBSP -> space, zero-width characters removed, NFC.

    Idempotent: ``normalise(normalise(t)) == normalise(t)``. Does not strip or collapse
    whitespace (callers decide about layout) and never touches quotes or dashes.
    """
    if text.isascii() and "\r" not in text and "\x0b" not in text and "\x0c" not in text:
        return text
    out = _CRLF.sub("\n", text) if "\r" in text else text
    if _ODD.search(out):
        out = out.translate(_TABLE)
    return out if unicodedata.is_normalized("NFC", out) else unicodedata.normalize("NFC", out)
