"""Parse stage, text/plain bodies: plain text read as the HTML it stands for.

A blank line ends a paragraph and a line is a ``<br>``; what plain-text
newsletters use for structure becomes markup, so one structural engine reads
both: separator lines (``***``, ``####``) become rules; a line underlined with
``===`` or ``---``, a ``# `` markdown heading, a ``== Title ==`` heading, a ``** ``
heading (Mailchimp) or an ALL-CAPS line becomes a heading; a ``**bold**`` line, a bullet
or a numbered line starts a block of its own; image lines are dropped.  Links become
anchors: markdown ``[text](url)``, bare URLs, and a title line ending in its
link (``Title (https://…)``, ``Title <https://…>``, ``Title - https://…``, ``Title [1]`` with ``[1]
https://…`` listed at the end).
"""

from __future__ import annotations

import html
import re

from service.domain import Block
from service.ingest.body import MARKDOWN_LINK, SEPARATOR_TEXT, html_blocks
from service.ingest.changelogs import boxed_release
from service.ingest.digests import digest_blocks
from service.ingest.plain_shape import (
    BULLET,
    PLAIN_BULLETS,
    SENTENCE_END,
    SUMMARY_LINES,
    BulletShape,
    bullet_shape,
    headline_over_text,
    hyphen_led,
    pointed,
    pointed_over_text,
    pointed_titles,
    quick_hit,
    titled_brief,
)

# A link's target in parentheses, balanced pairs allowed ("wiki/A_(b)").  Not ``\(.*?\)``:
# under the repetition below that tried every split of a line such as "![](a)](b)![](a)…x"
# (exponential time); this target ends at its one closing parenthesis.
TARGET = r"\((?:[^()]|\([^()]*\))*\)"
IMAGE_LINE = re.compile(  # ![alt](src), [![alt](src)](href), ![alt](src)[](href), [image: ...]
    rf"(?:\[?!\[[^\]]*\]{TARGET}(?:\]{TARGET}|\[\]{TARGET})?\s*)+|\[(?:image|img)[^\]]*\]",
    re.IGNORECASE,
)
UNWRAPPED_CHARS = 160
# A clearsigned message's armor (RFC 4880 7): the header, its armor headers, the signature
PGP_BEGIN = re.compile(r"^-----BEGIN PGP SIGNED MESSAGE-----[ \t]*\n(?:[A-Za-z]+:[^\n]*\n)*",
                       re.MULTILINE)
# the signature block's lines, at a line's start ("- -----BEGIN…" is a signed line, escaped)
PGP_SIGNATURE = re.compile(r"^-----BEGIN PGP SIGNATURE-----[ \t]*$", re.MULTILINE)
PGP_SIGNATURE_END = re.compile(r"^-----END PGP SIGNATURE-----[ \t]*$\n?", re.MULTILINE)
DASH_ESCAPED = re.compile(r"^- (?=-)", re.MULTILINE)
HANGING_INDENT = 2  # a title's text set in under it by this many blanks, or a tab
CAPS_LINE_MAX_CHARS = 160
STARRED_HEADLINES = 2  # "* CUOTAS 2024" over its text: a headline where the issue has two
TITLE_LINK_MAX_CHARS = 200
MAILCHIMP_HEADING = re.compile(r"\*\*\s+(?!.*\*\*$)(.+)")  # "** Title", no closing marks
# One run of blanks, then an optional ":" and its own: "[ \t]*:?[ \t]*" split a long run of
# blanks every way before failing (quadratic time).
REFERENCE = re.compile(r"^[ \t]*\[(\d{1,3})\][ \t]*(?::[ \t]*)?(https?://\S+)[ \t]*$",
                       re.MULTILINE)
REFERENCE_MARK = re.compile(r"\[(\d{1,3})\]")
TITLE_LINK = re.compile(  # a line ending in its link: (url), <url>, [url], [1], - url
    r"(.{3,}?)\s+(?:\((https?://[^\s)]+)\)|<(https?://[^\s>]+)>|\[(https?://[^\s\]]+)\]"
    r"|\[(\d{1,3})\]|[-–—|]\s+(https?://\S+))"
)
# "Title [8] -- what it says": a footnoted title leading its line, then a dash and a summary
# (a plain-text paper digest's short notes, the thirty-fourth sweep)
LEADING_REFERENCE = re.compile(r"(?P<title>[^\[\]\n]{3,160}?)[ \t]+\[(?P<mark>\d{1,3})\]"
                               r"(?P<rest>[ \t]+(?:--|[-–—:|])[ \t][^\n]*)")
# "Tessellate Labs open-sources its toolkit (https://…) – near-duplicate detection…": a
# quick hit in Mailchimp's text part, its link's text then its address, a dash, a summary
# (the thirty-ninth sweep)
LEADING_LINK = re.compile(r"(?P<title>[^\[\]()\n]{3,160}?)[ \t]+\((?P<url>https?://[^\s()]{4,2000})\)"
                          r"(?P<rest>[ \t]+(?:--|[-–—:|])[ \t][^\n]*)")
LINKED_TITLE_WORDS = 4
# "~~~" too, under a title as long as it (the forty-first sweep); alone, "~~~" parts stories
UNDERLINE = re.compile(r"={3,}|-{3,}|~{3,}")
MD_HEADING = re.compile(r"(#{1,6})\s+(.*)")  # closing "#"s are cut off in Python: linear
# "== Releases ==": the blanks before the title possessive, the title starting with a
# letter of its own, so a run of blanks is never split three ways (quadratic: the review)
WIKI_HEADING = re.compile(r"(={2,6})[ \t]++(\S[^=\n]{0,159}?)[ \t]*+\1")
NUMBERED = re.compile(r"\(?\d{1,2}[.)]\s+\S")
WRAPPED_NUMBER_CHARS, WRAP_WORDS = 50, 6  # a wrapped numbered headline's first line, its rest
BOLD_LINE = re.compile(r"\*\*[^*].*\*\*:?")
BOLD_SPAN = re.compile(r"\*\*([^*\n]+?)\*\*")
BARE_URL = re.compile(r"(?<![\"(=>])\b(https?://[^\s<>\"()]+)(?=\s|$)")
URL_STOPS = '<>"()'  # what BARE_URL's URL never holds
WORD = re.compile(r"\S+")
DASH_TITLE = re.compile(r"--[ \t]?([^-\s][^\n]{7,159})")  # "--Title", not a "-- " signature
DASH_TITLE_WORDS = 4


def plain_blocks(text: str) -> list[Block]:
    """Plain text read as the HTML it stands for: a blank line ends a paragraph, a line is a <br>.

    Separator lines (``***``, ``####``) become rules; a line underlined with ``===`` or
    ``---``, a ``# `` or ``== Title ==`` heading or a short ALL-CAPS line becomes a heading; a
    ``**bold**`` line, a bullet or a numbered line starts a block of its own; image lines
    (``![](url)``) are dropped and markdown links ``[text](url)`` become anchors.
    """
    text = _without_pgp_armor(text.replace("\r\n", "\n"))
    if (digest := digest_blocks(text, plain_blocks)) is not None:
        return digest  # a list's digest: a story per message
    # "[1] https://..." lines at the end name the links "[1]" marks in the text.
    references = dict(REFERENCE.findall(text))
    text = REFERENCE.sub("", text)
    parts: list[str] = []
    chunks = re.split(r"\n[ \t]*\n", text)
    shape = bullet_shape(text, chunks)
    angled = pointed_titles(text, chunks)  # ">> Headline" lines mark the headlines
    briefs = hyphen_led(chunks)  # "Headline - its text" paragraphs
    starred = _starred_headlines(chunks)
    under_colon = False  # the numbered chunks in hand follow a paragraph ending in ":"
    for at, chunk in enumerate(chunks):
        lines = [raw.strip() for raw in chunk.split("\n")]
        if not NUMBERED.match(chunk.strip()):
            under_colon = chunk.rstrip().endswith(":")
        if head := briefs.get(at):  # the headline bold, as the HTML it stands for has it
            lines[0] = f"**{head}**{lines[0][len(head):]}"
        if angled and (title := pointed(chunk)):
            parts.append(f"<h3>{_inline(title, references)}</h3>")
            continue
        if angled and (over := pointed_over_text(chunk))[0]:
            parts.append(f"<h3>{_inline(over[0], references)}</h3><p>" + "<br>".join(
                _inline(line, references) for line in over[1]) + "</p>")
            continue
        if at in starred:
            # "* SALIDA OFICIAL: RASCAFRÍA…" alone over its paragraph: a headline starred, not
            # a list of one (a club's bulletin, the forty-seventh sweep); two such at least,
            # not "* PLEASE BRING YOUR MEMBERSHIP CARD" inside a story (the review)
            lines = [BULLET.sub("", lines[0], count=1)]
        if _wrapped_number(chunk) and not under_colon:
            # (not in a list under "The new rules:", a story's own points: the review)
            lines = [" ".join(lines).strip()]  # "3) Furrow raises a Series B to expand" /
            # "   into vineyards": one headline wrapped at the margin (the 37th sweep)
        elif _hanging(chunk):
            # a title over its indented text: the text is one paragraph, so none of its
            # wrapped lines reads as a title ("Welcome to our new coordinator" over "    Please
            # welcome Mariela Santos, who joins us from the Biology": a listserv bulletin, the
            # twenty-third sweep)
            lines = [lines[0], " ".join(line for line in lines[1:] if line)]
        if max(map(len, lines)) > UNWRAPPED_CHARS:
            # No line of wrapped text is this long: here a line is a paragraph, but a
            # title keeps its underline ("Spring Kickoff Ride" over "~~~~", the 43rd sweep)
            # (only a line that opens the chunk, over an underline about as long as it:
            # not "— Reporting by Dana Whitfield" over the separator that ends a story: the
            # review)
            titled = (len(lines) > 1 and 0 < len(lines[0]) <= UNWRAPPED_CHARS
                      and bool(UNDERLINE.fullmatch(lines[1]))
                      and len(lines[0]) <= 2 * len(lines[1]) <= 4 * len(lines[0]))
            if titled:
                parts.extend(_plain_chunk(lines[:2], references, shape))
            for line in lines[2 if titled else 0:]:
                parts.extend(_plain_chunk([line], references, shape))
        else:
            parts.extend(_plain_chunk(lines, references, shape))
    return html_blocks("".join(parts))


def _plain_chunk(lines: list[str], refs: dict[str, str],
                 shape: BulletShape = PLAIN_BULLETS) -> list[str]:
    """One blank-line chunk as HTML elements; consecutive ordinary lines make one paragraph.
    ``shape``: how the issue writes its bullets."""
    out: list[str] = []
    pending: list[str] = []
    bullet: list[str] = []  # a bullet's lines: the ordinary lines after it wrap its text

    def flush() -> None:
        if bullet:
            head, *text = bullet
            quick = quick_hit(" ".join(bullet)) if shape.quick else None
            if quick is not None:  # the headline linked to its address, as HTML would
                out.append(f'<li><a href="{html.escape(quick.group("url"))}">'
                           f'{_inline(quick.group("head").strip(), refs)}</a>: '
                           f'{_inline(quick.group("rest"), refs)}</li>')
            elif (shape.titled and len(text) >= SUMMARY_LINES
                    and headline_over_text(head, text[0])):
                # "* Arlen Semi delays its Arizona packaging plant to 2027" over its
                # summary set in under it: the bullet's title, then its text (the 35th sweep)
                out.append(f"<p>{_inline(head, refs)}<br>{_inline(' '.join(text), refs)}</p>")
            else:
                out.append(f"<li>{_inline(' '.join(bullet), refs, bullet=True)}</li>")
            bullet.clear()
        if pending:
            out.append("<p>" + "<br>".join(_inline(line, refs) for line in pending) + "</p>")
            pending.clear()

    for at, line in enumerate(lines):
        if not line or IMAGE_LINE.fullmatch(line):
            continue
        if at == 0 and _dash_title(lines):
            # "--Regional Water Utility Hit by Ransomware" over its date and text (SANS's
            # NewsBites shape, the sixteenth sweep); not a list of such lines (its recap)
            out.append(f"<h3>{_inline(line.lstrip('- '), refs)}</h3>")
            continue
        underline = UNDERLINE.fullmatch(line)
        if underline and line[0] == "~" and not (len(pending) == 1
                                                 and 2 * len(line) >= len(pending[0])):
            underline = None
        if underline and not pending and out and out[-1].startswith("<h"):
            continue  # a heading's underline ("** Title" then a line of dashes)
        if underline and len(pending) == 2 and boxed_release(out, pending):
            # "v3.4.0 -- Vector indexes are GA" over "Released 2024-07-19", boxed between
            # two rules: a changelog's release, its headline and its date (the 47th sweep)
            out.append(f"<h2>{_inline(pending[0], refs)}</h2><p>{_inline(pending[1], refs)}</p>")
            pending.clear()
        elif underline and len(pending) == 1:
            level = 1 if line[0] == "=" else 2
            out.append(f"<h{level}>{_inline(pending.pop(), refs)}</h{level}>")
        elif SEPARATOR_TEXT.fullmatch(line):
            flush()
            out.append(f"<p>{html.escape(line, quote=False)}</p>")
        elif heading := MD_HEADING.fullmatch(line):
            flush()
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(_closed(heading.group(2)), refs)}</h{level}>")
        elif heading := WIKI_HEADING.fullmatch(line):
            flush()
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2), refs)}</h{level}>")
        elif mailchimp := MAILCHIMP_HEADING.fullmatch(line):
            flush()
            out.append(f"<h3>{_inline(mailchimp.group(1), refs)}</h3>")
        elif mark := shape.mark(line):
            flush()
            bullet.append(line[mark.end():])
        elif NUMBERED.match(line) or BOLD_LINE.fullmatch(line) or _is_caps_line(line):
            flush()
            tag = "h2" if _is_caps_line(line) else "p"
            out.append(f"<{tag}>{_inline(line, refs)}</{tag}>")
        else:
            (bullet or pending).append(line)
    flush()
    return out


def _without_pgp_armor(text: str) -> str:
    """Clearsigned text (a security list's advisories) without its armor: each "BEGIN PGP
    SIGNED MESSAGE" line and its "Hash:" header, each signature block, and the "- " that
    dash-escapes a signed line opening with a dash (RFC 4880 7.1).  Text around the signed
    parts stays (a digest of several signed messages, a newsletter quoting one: the
    review), and an escaped "- -----BEGIN PGP SIGNATURE-----" inside is no signature."""
    out: list[str] = []
    at = 0
    for begin in PGP_BEGIN.finditer(text):
        if begin.start() < at:
            continue  # inside the signed part just read
        out.append(text[at:begin.start()])
        signature = PGP_SIGNATURE.search(text, begin.end())
        signed_end = signature.start() if signature else len(text)
        out.append(DASH_ESCAPED.sub("", text[begin.end():signed_end]))
        end = PGP_SIGNATURE_END.search(text, signed_end) if signature else None
        at = end.end() if end else len(text)  # (one search each way: linear)
    return "".join(out) + text[at:] if out else text


def _wrapped_number(chunk: str) -> bool:
    """A numbered headline near the wrap width, over a few indented words that end no
    sentence: its own end, wrapped, alone between blank lines."""
    raw = [line for line in chunk.split("\n") if line.strip()]
    if len(raw) != 2 or not NUMBERED.match(raw[0]) or raw[1][:1] not in " \t":
        return False
    tail = raw[1].strip()
    # (in lower case, not "by Dana Whitfield", "(6 min read)" or a source, "The Verge": the
    # review of the rule)
    return (len(raw[0].rstrip()) >= WRAPPED_NUMBER_CHARS and len(tail.split()) <= WRAP_WORDS
            and tail[:1].islower() and not tail.startswith("by ")
            and not SENTENCE_END.search(raw[0].rstrip()) and not SENTENCE_END.search(tail))


def _hanging(chunk: str) -> bool:
    """A line at the margin over lines that are all indented, none a bullet, a number or an
    address.  Not a numbered or bulleted item over its indented lines ("1. Title" over "412
    points" and its address line): the item's own reading keeps those lines apart."""
    first, *rest = [line for line in chunk.split("\n") if line.strip()] or [""]
    # one depth: "CITY" over "  Council passes the levy" over "    The levy raises…" is a
    # section over a title over its text (the review)
    depths = {len(line) - len(line.lstrip()) for line in rest}
    return (bool(rest) and len(depths) == 1 and first[:1] not in " \t"
            and len(first) <= CAPS_LINE_MAX_CHARS
            and not BULLET.match(first) and not NUMBERED.match(first)
            and not REFERENCE_MARK.match(first)  # "[1] Title" over its authors and address
            and all(line.startswith(("\t", " " * HANGING_INDENT))
                    and not BULLET.match(line.lstrip()) and not NUMBERED.match(line.lstrip())
                    and not BARE_URL.match(line.lstrip()) for line in rest))


def _dash_title(lines: list[str]) -> bool:
    """The chunk opens with a title after two hyphens, of four words or more, over lines of
    text that are no such titles."""
    first = DASH_TITLE.fullmatch(lines[0])
    return (first is not None and len(first.group(1).split()) >= DASH_TITLE_WORDS
            and len(lines) > 2 and not DASH_TITLE.fullmatch(lines[1]))


def _closed(title: str) -> str:
    """A markdown heading's text without its closing "#"s and blanks ("Title ##")."""
    end = len(title)
    while end and (title[end - 1] == "#" or title[end - 1].isspace()):
        end -= 1
    return title[:end]


def _starred_headlines(chunks: list[str]) -> set[int]:
    """The chunks that are one starred line in capitals over a paragraph ("* CUOTAS 2024"),
    where the issue has two of them at least."""
    found = {at for at, chunk in enumerate(chunks[:-1])
             if "\n" not in chunk.strip() and (star := BULLET.match(chunk.strip()))
             and _is_caps_line(chunk.strip()[star.end():])
             and not BULLET.match(chunks[at + 1].strip())}
    return found if len(found) >= STARRED_HEADLINES else set()


def _is_caps_line(line: str) -> bool:
    if len(line) > CAPS_LINE_MAX_CHARS:
        return False
    letters = [c for c in line if c.isalpha()]
    # (more letters than digits: a key's fingerprint "3E91 D442 7B05 81FA" is no heading)
    return (len(letters) >= 3 and all(c.isupper() for c in letters)
            and len(letters) >= sum(c.isdigit() for c in line))


def _inline(line: str, refs: dict[str, str], bullet: bool = False) -> str:
    """A line of plain text as inline HTML: links, **bold** and bare URLs kept.  ``bullet``:
    a bullet's text, which may open "Title (https://…) – summary" (not a paragraph: there
    "The study (https://…) – all 212 pages of it – predicts…" is a sentence, the review)."""
    titled = TITLE_LINK.fullmatch(line) if len(line) <= TITLE_LINK_MAX_CHARS else None
    url = titled and (titled.group(2) or titled.group(3) or titled.group(4)
                      or refs.get(titled.group(5) or "") or titled.group(6))
    if titled and url and "](" not in titled.group(1):
        # A title line ending in its link: the title is the link's text; a bullet's title
        # before its summary ("• Tabulate – paste any messy table from a PDF… [5]")
        title, summary = (briefed.group("head"), briefed.group("rest")) if bullet and (
            briefed := titled_brief(titled.group(1).strip())) else (titled.group(1), "")
        text = BOLD_SPAN.sub(r"<b>\1</b>", html.escape(title.strip(), quote=False))
        return f'<a href="{html.escape(url)}">{text}</a>' + html.escape(summary, quote=False)
    led = LEADING_REFERENCE.match(line) or (
        # (a headline's words, not "The draft design (https://…) – 34 pages": a story's
        # documents, the review)
        found if bullet and (found := LEADING_LINK.match(line))
        and len(found.group("title").split()) >= LINKED_TITLE_WORDS else None)
    if led and (url := refs.get(led.groupdict().get("mark") or "", led.groupdict().get("url"))
                ) and "](" not in led.group("title"):
        title = BOLD_SPAN.sub(r"<b>\1</b>", html.escape(led.group("title").strip(), quote=False))
        return (f'<a href="{html.escape(url)}">{title}</a>'
                + html.escape(led.group("rest"), quote=False))
    escaped = html.escape(line, quote=False)
    escaped = BOLD_SPAN.sub(r"<b>\1</b>", escaped)
    escaped = MARKDOWN_LINK.sub(r'<a href="\2">\1</a>', escaped)
    escaped = _link_bare_urls(escaped)
    return REFERENCE_MARK.sub(lambda m: _reference(m, refs), escaped)


def _link_bare_urls(text: str) -> str:
    """``BARE_URL.sub``, in linear time: a bare URL runs to the end of its word, so it starts
    after the word's last character no URL holds, and the search starts there too (from the
    word's start, a word of many "http://" ending in ")" was read once per "http")."""
    out: list[str] = []
    done = 0
    for word in WORD.finditer(text):
        start = word.start() + max(word.group().rfind(c) for c in URL_STOPS) + 1
        if url := BARE_URL.search(text, start, word.end()):
            out += [text[done:url.start()], f'<a href="{url[1]}">{url[1]}</a>']
            done = url.end()
    return "".join(out) + text[done:]


def _reference(mark: re.Match[str], refs: dict[str, str]) -> str:
    url = refs.get(mark.group(1))
    return f'<a href="{html.escape(url)}">{mark.group(0)}</a>' if url else mark.group(0)
