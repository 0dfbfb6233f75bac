"""Body text to Blocks: an email's HTML (or plain text read as HTML) as paragraphs.

Keeps what segmentation needs: bold leads (headlines), the italic line after
them (subheads), separators as "rule" blocks, headings, list items and safe
links.  Scripts, styles, hidden text and images are dropped.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from service.domain import Block, Link

log = logging.getLogger(__name__)

ASCII_SPACE = re.compile(r"[ \t\r\n\f\v]+")  # not \s: a no-break space is text here
# A whole paragraph that only separates stories: an <hr> written as text.
SEPARATOR_TEXT = re.compile(
    r"[.\s]*(?:SEPARATORPLACEHOLDER|#+|[#*](?:\s*[#*])+|[-_=~]{3,}|\${3,})[.\s]*"
)
# The same tokens glued to the start of a paragraph ("SEPARATORPLACEHOLDER <b>Next</b>").
SEPARATOR_PREFIX = re.compile(r"^\s*(?:SEPARATORPLACEHOLDER|#{3,}|\*{3,})\s*")
SAFE_SCHEMES = ("http://", "https://", "mailto:")
# The text holds no "[": else each "[" of a long run of them was read to the line's end.
MARKDOWN_LINK = re.compile(r"\[([^\[\]\n]*)\]\(((?:https?://|mailto:)[^)\s\"]+)\)")
CUT_TAG = re.compile(r"<[A-Za-z/!][^<>]*\Z")
LEAD_TAIL = re.compile(r"[\s:.\-–—]*")  # what may follow a bold headline on its line
DROPPED_TAGS = frozenset({
    "script", "style", "head", "title", "noscript", "template", "svg", "img", "picture", "iframe",
    "object", "embed", "video", "audio", "form", "button", "input", "select", "textarea", "meta",
    "link", "map",
})
CONTAINER_TAGS = frozenset({
    "html", "body", "div", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "section",
    "article", "header", "footer", "main", "nav", "aside", "center", "blockquote", "ul", "ol",
    "dl", "figure",
})
HIDDEN_STYLES = ("display:none", "visibility:hidden", "max-height:0;", "max-height:0px",
                 "opacity:0;", "mso-hide:all")
# A font size of 0 hides a preheader's text, but MJML (Mailjet and many builders) sets it on
# every cell and sizes the text in the <div> inside: hidden is the text no tag between it
# and the 0 gives a size again (the thirteenth sweep: a whole Mailjet issue was dropped).
FONT_SIZE = re.compile(r"font-size:([\d.]+)")
# (a number only where a run of digits starts: tried at every digit of a long run, the
# pattern was quadratic, 3 s for a 20,000-digit style: the review)
FONT_SHORTHAND = re.compile(r"(?:^|;)font:[^;]*?(?<![\d.])([\d.]+)(?:px|pt|em|rem|%)")
STYLE_CHARS = 2000  # a real style attribute is shorter; the rest of a longer one is not read
BOLD_STYLE = re.compile(r"font-weight:(?:bold|bolder|[6-9]00)")
# A tag's own style that takes bold away: Google Docs wraps a pasted document in
# <b style="font-weight:normal"> and marks its real headings with font-weight:700 spans.
NORMAL_STYLE = re.compile(r"font-weight:(?:normal|lighter|[1-4]00)(?![\w-])")
# Inline tags that sloppy HTML wraps around whole paragraphs (that Google Docs <b>, a <span>
# or <font> around <p>s): read as containers, else every paragraph inside was one block.
INLINE_WRAPPERS = frozenset({"b", "strong", "span", "font", "i", "em", "u", "small", "big"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
PARAGRAPH_TAGS = frozenset({"p", "pre", "dd", "dt", "address", "figcaption", "caption"})
BLOCK_TAGS = CONTAINER_TAGS | HEADING_TAGS | PARAGRAPH_TAGS | {"li", "hr"}
BLOCK_KINDS = {"li": "list_item", **{tag: "heading" for tag in HEADING_TAGS}}


# ---- HTML -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    """What the tags around some text make of it."""

    bold: bool = False
    italic: bool = False
    tiny: bool = False  # a font size of 0: not shown
    zero: bool = True  # whether a font size of 0 hides text at all

    def under(self, tag: Tag) -> _Style:
        """The style of ``tag``'s text, inside this one."""
        css = str(tag.get("style") or "")[:STYLE_CHARS].replace(" ", "").lower()
        bold = self.bold or tag.name in ("strong", "b") or tag.name in HEADING_TAGS or bool(
            BOLD_STYLE.search(css))
        sizes = FONT_SIZE.findall(css)
        shorthand = FONT_SHORTHAND.search(css)  # "font:bold 22px/1.2 Georgia"
        attribute = str(tag.get("size") or "") if tag.name == "font" else ""  # <font size=3>
        if (shorthand and not _zero(shorthand.group(1))) or attribute.strip(" +-").isdigit():
            tiny = False
        else:
            tiny = self.tiny if not sizes else _zero(sizes[-1])
        return _Style(bold and not NORMAL_STYLE.search(css),
                      self.italic or tag.name in ("em", "i"), tiny and self.zero, self.zero)


def _zero(number: str) -> bool:
    try:
        return float(number) == 0
    except ValueError:  # "font-size:1.2.3"
        return False


PLAIN = _Style()


@dataclass(frozen=True)
class _Run:
    """Inline text with the emphasis it was written in; "\\n" stands for a line break."""

    text: str
    bold: bool
    italic: bool


def html_blocks(markup: str) -> list[Block]:
    blocks: list[Block] = []
    # A tag cut off by a truncated message would otherwise be read as text ("<p").
    markup = CUT_TAG.sub("", markup)
    # No tag ends after the last ">", so what follows it is text.  Given as text, because
    # html.parser (in the Python 3.11 we run) re-reads it to the end once for each "<" in
    # it: quadratic time.
    end = markup.rfind(">") + 1
    markup = markup[:end] + markup[end:].replace("<", "&lt;")
    soup = BeautifulSoup(markup, "html.parser")
    _walk_container(soup, blocks)
    if not any(b.text.strip() for b in blocks):
        # every word at a font size of 0: a class in <style> sizes it again (hybrid
        # columns' "font-size:0" cell); better shown than an empty issue
        blocks = []
        _walk_container(soup, blocks, _Style(zero=False))
    return blocks


def _walk_container(node: Tag, out: list[Block], style: _Style = PLAIN) -> None:
    """``node``'s blocks, in order; ``style`` is what the tags around it gave its text."""
    # Inline content loose in a container (text in a <td>) becomes a paragraph of its own.
    loose: list[Tag | NavigableString] = []
    for child in [*node.children, None]:
        if isinstance(child, Tag | NavigableString) and not _is_block(child):
            if _blank_line(loose, child):
                # "<br><br>" in loose text is the paragraph break of HTML written without
                # <p> (Outlook, old editors: a whole issue in one <td> of <font> runs)
                _emit(loose, "paragraph", out, style=style)
                loose = []
                continue
            loose.append(child)
            continue
        _emit(loose, "paragraph", out, style=style)
        loose = []
        if not isinstance(child, Tag) or _is_hidden(child):
            continue
        if child.name == "hr":
            out.append(Block(kind="rule", text=""))
        elif child.name in INLINE_WRAPPERS:
            _walk_container(child, out, style.under(child))
        else:
            # A container's or a block's own font weight is not read (a bold <td> of a
            # markets table is no headline); its font size is.
            inside = dataclasses.replace(style, tiny=style.under(child).tiny)
            if child.name in CONTAINER_TAGS or _heads_a_story(child, out):
                _walk_container(child, out, inside)
                continue
            children = [c for c in child.children if isinstance(c, Tag | NavigableString)]
            level = int(child.name[1]) if child.name in HEADING_TAGS else 0
            _emit(children, BLOCK_KINDS.get(child.name, "paragraph"), out, level, inside)


LAST_HEADING_WITHIN = 200  # blocks looked back at for the heading a list item's is under


def _heads_a_story(item: Tag, out: list[Block]) -> bool:
    """A list item that holds a heading no deeper than the last one before it (a masthead's
    <h1> aside) is read as that heading and its paragraphs: a numbered brief's
    "<li><h3>Stock market hits…</h3><p>…</p></li>" (a real sweep).  A deeper one is a
    story's own step: "<h2>Deploy in three steps</h2><ol><li><h4>Install…" (attack16)."""
    if item.name != "li":
        return False
    level = next((int(c.name[1]) for c in item.children
                  if isinstance(c, Tag) and c.name in HEADING_TAGS), 0)
    if not level:
        return False
    above = next((b.level for b in reversed(out[-LAST_HEADING_WITHIN:])
                  if b.kind == "heading" and b.level > 1), 6)
    return level <= above


def _blank_line(loose: list[Tag | NavigableString], child: Tag | NavigableString) -> bool:
    """``child`` is a <br> right after another (blanks between): a blank line."""
    if not (isinstance(child, Tag) and child.name == "br"):
        return False
    for node in reversed(loose):
        if isinstance(node, NavigableString) and not node.strip():
            continue
        return isinstance(node, Tag) and node.name == "br"
    return False


def _is_block(node: Tag | NavigableString) -> bool:
    """A block tag, or an inline one wrapped around blocks (its children only are looked
    at: a search of every descendant, at each of 10,000 nested <b>s, is quadratic)."""
    return isinstance(node, Tag) and (node.name in BLOCK_TAGS or (
        node.name in INLINE_WRAPPERS
        and any(isinstance(c, Tag) and c.name in BLOCK_TAGS for c in node.children)))


def _emit(nodes: list[Tag | NavigableString], kind: str, out: list[Block], level: int = 0,
          style: _Style = PLAIN) -> None:
    runs: list[_Run] = []
    for node in nodes:
        _collect_runs(node, style, runs)
    _split_separator_prefix(runs, out)
    lines = _lines(runs)
    text = "\n".join(_line_text(line) for line in lines)
    if not text:
        return
    if SEPARATOR_TEXT.fullmatch(text):
        out.append(Block(kind="rule", text=""))
        return
    lead, subhead = (text, "") if kind == "heading" else _lead_and_subhead(lines)
    out.append(Block(kind=kind, text=text, lead=lead, subhead=subhead, links=_links(nodes),
                     level=level))


def _collect_runs(node: Tag | NavigableString, style: _Style, out: list[_Run]) -> None:
    if isinstance(node, NavigableString):
        # comments, doctypes and CDATA are subclasses; text at a font size of 0 is hidden
        if type(node) is NavigableString and not style.tiny:
            out.append(_Run(ASCII_SPACE.sub(" ", str(node)), style.bold, style.italic))
        return
    if node.name in DROPPED_TAGS or _is_hidden(node):
        return
    if node.name == "br":
        out.append(_Run("\n", style.bold, style.italic))
        return
    style = style.under(node)
    edge = [_Run("\n", style.bold, style.italic)] if node.name in BLOCK_TAGS else []
    out.extend(edge)
    for child in node.children:
        if isinstance(child, Tag | NavigableString):
            _collect_runs(child, style, out)
    out.extend(edge)


def _is_hidden(tag: Tag) -> bool:
    # Preheaders and tracking text hide in many ways besides display:none.
    style = str(tag.get("style") or "").replace(" ", "").lower()
    return tag.has_attr("hidden") or any(mark in style for mark in HIDDEN_STYLES)


def _split_separator_prefix(runs: list[_Run], out: list[Block]) -> None:
    # Some archives glue the separator token onto the next story's first paragraph.
    index = next((i for i, run in enumerate(runs) if run.text.strip()), None)
    if index is None:
        return
    run = runs[index]
    match = SEPARATOR_PREFIX.match(run.text)
    rest = run.text[match.end():] if match else ""
    if match and (rest + "".join(r.text for r in runs[index + 1:])).strip():
        runs[index] = _Run(rest, run.bold, run.italic)
        out.append(Block(kind="rule", text=""))


def _lines(runs: list[_Run]) -> list[list[_Run]]:
    lines: list[list[_Run]] = [[]]
    for run in runs:
        if run.text == "\n":
            lines.append([])
        else:
            lines[-1].append(run)
    return [line for line in lines if _line_text(line)]


def _line_text(runs: list[_Run]) -> str:
    return re.sub(r" {2,}", " ", "".join(r.text for r in runs)).strip(" ")


def _lead_and_subhead(lines: list[list[_Run]]) -> tuple[str, str]:
    """Bold text opening the block, and the italic line under it when the bold is a line
    (or the block's one line, when all of it is in italics: "<p><em>Stable temperatures,
    natural shielding…</em></p>" under a bold headline, the ninth sweep)."""
    first = lines[0]
    bold = 0
    while bold < len(first) and (first[bold].bold or not first[bold].text.strip()):
        bold += 1
    lead = _line_text(first[:bold])
    if not lead and len(lines) == 1 and all(r.italic or not r.text.strip() for r in first):
        return "", _line_text(first)  # a paragraph all in italics: a subhead of its own
    if not lead or not LEAD_TAIL.fullmatch(_line_text(first[bold:])):
        return lead, ""  # no lead, or an inline one ("Why this matters: ...")
    second = lines[1] if len(lines) > 1 else []
    italic = bool(second) and all(r.italic or not r.text.strip() for r in second)
    return _line_text(first), _line_text(second) if italic else ""


def _links(nodes: list[Tag | NavigableString]) -> tuple[Link, ...]:
    tags = [node for node in nodes if isinstance(node, Tag)]
    # An empty tag (<br>, thousands of them in some bodies) holds no anchor: skip the search.
    anchors = [a for t in tags if t.name == "a" or t.contents
               for a in ([t] if t.name == "a" else t.find_all("a"))]
    links = [
        Link(ASCII_SPACE.sub(" ", a.get_text()).strip(), str(a.get("href") or "").strip())
        for a in anchors
        if isinstance(a, Tag)
    ]
    safe = tuple(link for link in links if link.url.lower().startswith(SAFE_SCHEMES))
    if len(safe) < len(links):
        # Said, not silent: a reader asking where a story's link went finds why here.
        first = next(link.url for link in links if not link.url.lower().startswith(SAFE_SCHEMES))
        log.info("dropped %d link(s) not http, https or mailto, e.g. %r",
                 len(links) - len(safe), first[:80])
    return safe
