"""What of a page or a PDF is English (issue 10): the detector of ``test_swedish``, shared by
the tests of pages that the all-Swedish walk does not reach with its settings (e.g. the single
sign-on's, ``test_sso``). Its words and rules are explained in ``test_swedish``'s docstring."""

import io
import json
import re
from html import escape
from html.parser import HTMLParser

from pypdf import PdfReader

# Words of a user interface, in English, that are no Swedish words (lower case), grouped by what
# they are about. Left out on purpose, though English: words Swedish spells the same ("status",
# "plan", "filter", "start", "export", "import", "process", "data", "information", "program",
# "version", "demo", "server", "total", "order", "sort", "form", "token", "show", "person",
# "social", "action", "admin", "material"), Swedish homographs ("in", "is" ice, "be" pray, "by"
# village, "it" IT, "just", "all", "last" load, "must" juice, "sent" late, "fri" free, "sat",
# "jan"), "a" (as in "bl.a."), "ok", and months Swedish shares ("april", "august", "september",
# "november", "december").
_ENGLISH_WORDS = """
    the an of and or with without to for from into onto at on off
    your you yours this that these those its there here their they them we our us my me
    what which who whom whose when where why how
    are was were been being has have had do does did done can cannot could should would
    will shall may might not no yes please thanks thank sorry
    any some none every each other others more less than then also only very
    new old first next previous prev back forward before after above below up down
    save cancel submit reset confirm apply clear close open select selected choose chosen
    search filtering sorting ascending descending showing hide hidden
    add added edit edited delete deleted remove removed change changed changes create created
    update updated modified view views viewed list item items row rows page pages
    entries entry record records result results empty nothing found loading loaded
    details detail summary brief overview description comment comments note notes title
    name names type types owner owners assigned unassigned assign unassign
    execute executed undo revive revived canceled cancelled finished started scheduled
    completed pending active inactive enabled disabled unknown required optional
    inbox queue archive archived task tasks flow flows chart artifact seed subprocess
    workflow workflows dashboard home profile settings account accounts
    user users group groups role roles permission permissions password login logout log
    logged sign signed welcome forbidden denied access request internal error errors
    warning warnings success successful successfully failed failure invalid valid
    menu navigation navigate listbox picker dropdown toggle expand collapse
    date dates time times hour hours minute minutes second seconds day days week weeks
    month months year years today yesterday tomorrow now ago past future
    monday tuesday wednesday thursday friday saturday sunday
    january february march may june july october
    mon tue wed thu sun
    file files upload uploaded download downloaded attachment attachments
    email emails phone address message messages notification notifications
    report reports history template templates draft drafts published publish retire retired
    copy preview help language english swedish
    case cases referral referrals consent consents meeting meetings actions
    goal goals agency agencies municipality municipalities coordinator coordinators
    steering young guardian guardians school police leisure services number numbers count
"""
ENGLISH = frozenset(_ENGLISH_WORDS.split())

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
SHOWN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "label", "help-text", "error")
BUTTON_INPUTS = {"submit", "button", "reset"}
ICONS = re.compile(r"\bmaterial-icons\b")
# Addresses, paths, file names, a formset's placeholders ("Mål __number__", filled in by
# casework/sspf.js) and masked secrets (the admin's view of a password hash shows the salt's
# first letters, "up********", random) and codes of letters and digits together (a recovery
# code "my74fcrm", a case number) are not words of the interface.
NOT_WORDS = re.compile(
    r"\S+://\S+|\S+@\S+|(?<!\w)/\S*|\S+\.(?:pdf|csv|json|ics|txt)\b|__\w+__|\S*\*{4,}\S*"
    r"|\b(?=[^\W_]*\d)(?=[^\W_]*[^\W\d_])[^\W_]+\b"
)
WORD = re.compile(r"[^\W\d_]+")


class ShownText(HTMLParser):
    """The pieces of text a page shows or reads out, each with where it was found."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces = []  # (where, text)
        self.stack = []  # (tag, hides its text)
        self.html_lang = None

    @property
    def hidden(self):
        return any(hides for _tag, hides in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        lang = attrs.get("lang")
        foreign = tag != "html" and bool(lang) and not lang.lower().startswith("sv")
        if not self.hidden and not foreign:
            self.attributes(tag, attrs)
        if tag in VOID:
            return
        hides = (
            tag in ("script", "style")
            or foreign
            or attrs.get("translate") == "no"  # a key or codes to type, not words
            or bool(ICONS.search(attrs.get("class") or ""))
        )
        self.stack.append((tag, hides))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if any(open_tag == tag for open_tag, _hides in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.pieces.append(("text", data))

    def attributes(self, tag, attrs):
        for name in SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self.pieces.append((f"<{tag} {name}>", attrs[name]))
        is_button = tag == "input" and (attrs.get("type") or "").lower() in BUTTON_INPUTS
        if is_button and attrs.get("value"):
            self.pieces.append((f"<{tag} value>", attrs["value"]))
        if attrs.get("optgroups"):  # viewflow's selects draw their options from this JSON
            for group in json.loads(attrs["optgroups"]):
                for text in (group.get("name"), group.get("options", {}).get("label")):
                    if text:
                        self.pieces.append((f"<{tag} optgroups>", str(text)))


def english_in(html):
    """What of ``html`` is English: per piece of shown text, its English words, the text and
    where it was (text, or which attribute of which element)."""
    parser = ShownText()
    parser.feed(html)
    parser.close()
    found = []
    if parser.html_lang and not parser.html_lang.lower().startswith("sv"):
        found.append(f'<html lang="{parser.html_lang}">')
    for where, text in parser.pieces:
        text = " ".join(NOT_WORDS.sub(" ", text).split())
        words = [word for word in WORD.findall(text) if word.lower() in ENGLISH]
        if words:
            found.append(f"{', '.join(words)} in “{text[:160]}” ({where})")
    return found


def english_in_pdf(raw):
    """The English words of a PDF's text (the documents handed to families and agencies)."""
    try:
        pages = PdfReader(io.BytesIO(raw)).pages
    except Exception:  # noqa: BLE001 - the tests' signed form is a few bytes of PDF header
        return []
    text = "\n".join(page.extract_text() or "" for page in pages)
    return english_in(f"<pre>{escape(text)}</pre>")
