"""Page objects: one class per page, named for what a person does there.

Journeys talk to these, never to selectors, so a template change is fixed in one place. A new
area (the moderation queue, the export pages) adds its classes here, in its own section, and
its journeys reuse the sign-in and navigation below.

Methods act like a person: they find controls by their visible label or role, click them, and
return the page object of the page the browser lands on.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import ClassVar

import pyotp
from playwright.sync_api import Download, Locator, Page, expect

from hoering import demo

_FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  return {
    element: e.outerHTML.slice(0, 120),
    outline: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
  };
}"""


def tab_to(page: Page, target: Locator, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until `target` has focus; every stop must show its focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(_FOCUSED)
        assert focused["outline"] != "none" and focused["width"] >= 2, (
            f"focus is not visible on {focused['element']}"
        )
        if is_focused(target):
            return
    raise AssertionError(f"{key} never reached {target} in {limit} presses")


def press_to_navigate(page: Page, key: str = "Enter") -> None:
    """Press a key on a focused link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def is_focused(target: Locator) -> bool:
    return target.evaluate("e => e === document.activeElement")


class BasePage:
    """What every page has: the skip link, the header, the heading, flash messages."""

    def __init__(self, page: Page):
        self.page = page

    @property
    def heading(self) -> Locator:
        return self.page.locator("h1")

    @property
    def flash(self) -> Locator:
        return self.page.locator(".flash-area")

    @property
    def skip_link(self) -> Locator:
        return self.page.locator("a.skip-link")

    @property
    def main(self) -> Locator:
        return self.page.locator("main#main")

    def nav_link(self, name: str) -> Locator:
        return self.page.get_by_role("navigation", name="Hovedmeny").get_by_role(
            "link", name=name, exact=True
        )

    def sign_out(self) -> ConsultationListPage:
        self.page.get_by_role("button", name="Logg ut").click()
        return ConsultationListPage(self.page)


# --- accounts -------------------------------------------------------------------------------


class RegisterPage(BasePage):
    def open(self) -> RegisterPage:
        self.page.goto("/registrer")
        return self

    def register(self, name: str, email: str, password: str) -> BasePage:
        self.page.get_by_label("Fullt navn").fill(name)
        self.page.get_by_label("E-postadresse").fill(email)
        self.page.get_by_label("Passord", exact=True).fill(password)
        self.page.get_by_label("Gjenta passordet").fill(password)
        self.page.get_by_role("main").get_by_role("button", name="Registrer deg").click()
        return BasePage(self.page)


class LoginPage(BasePage):
    def open(self, next_path: str | None = None) -> LoginPage:
        self.page.goto("/logg-inn" + (f"?next={next_path}" if next_path else ""))
        return self

    def sign_in(self, email: str, password: str) -> BasePage:
        self.page.get_by_label("E-postadresse").fill(email)
        self.page.get_by_label("Passord").fill(password)
        self.page.get_by_role("main").get_by_role("button", name="Logg inn").click()
        expect(self.page.get_by_role("button", name="Logg ut")).to_be_visible()
        if "/to-trinn" in self.page.url:
            SecondFactorPage(self.page).pass_for(email)
        return BasePage(self.page)


class SecondFactorPage(BasePage):
    """Staff sign in in two steps: the authenticator app is set up on the first sign-in (its key
    read off the page, as a person scans the QR code), and its code is typed after that."""

    # Keys seen on set-up pages in this run; the demo's staff have the published demo key.
    keys: ClassVar[dict[str, str]] = {}

    def pass_for(self, email: str) -> BasePage:
        if "/to-trinn/oppsett" in self.page.url:
            self.keys[email] = self.page.locator("code.secret").inner_text()
            self._type(pyotp.TOTP(self.keys[email]).now(), "Slå på")
            self.page.get_by_role("link", name="Jeg har tatt vare på kodene").click()
            return BasePage(self.page)
        totp = pyotp.TOTP(self.keys.get(email, demo.TOTP_SECRET))
        # Each code works once; a person signed in moments ago waits for the next one.
        for _ in range(40):
            now = totp.timecode(datetime.now(UTC))
            for counter in (now - 1, now, now + 1):
                self._type(totp.generate_otp(counter), "Bekreft")
                if "/to-trinn" not in self.page.url:
                    return BasePage(self.page)
            time.sleep(1)
        raise AssertionError(f"no code was accepted for {email}")

    def _type(self, code: str, button: str) -> None:
        self.page.get_by_label("Engangskode").fill(code)
        self.page.get_by_role("main").get_by_role("button", name=button).click()


# --- reading --------------------------------------------------------------------------------


class ConsultationListPage(BasePage):
    def open(self) -> ConsultationListPage:
        self.page.goto("/hoeringer/")
        return self

    def open_consultation(self, title: str) -> ConsultationPage:
        self.page.get_by_role("link", name=title).click()
        return ConsultationPage(self.page)


class ConsultationPage(BasePage):
    def open(self, slug: str, anchor: str | None = None) -> ConsultationPage:
        self.page.goto(f"/hoeringer/{slug}/" + (f"#{anchor}" if anchor else ""))
        return self

    def paragraph(self, anchor: str) -> Locator:
        return self.page.locator(f"#{anchor}")

    @property
    def status_badge(self) -> Locator:
        return self.page.locator(".deadline-banner .status")

    def follow_permalink(self, anchor: str) -> ConsultationPage:
        """Click the paragraph's number: the link to itself."""
        self.page.get_by_role("link", name=f"Lenke til avsnitt {anchor}").click()
        return self

    def read_comments_on(self, anchor: str) -> ParagraphPage:
        name = re.compile(f"innspill.* til avsnitt {anchor}$")
        self.paragraph(anchor).get_by_role("link", name=name).click()
        return ParagraphPage(self.page)

    def comment_on(self, anchor: str) -> WriteForm:
        """The paragraph's one link leads to its page, where the comment button is."""
        self.read_comments_on(anchor)
        self.page.get_by_role("link", name="Kommenter dette avsnittet").click()
        return WriteForm(self.page)

    def submission(self, submission_id: int) -> SubmissionCard:
        return SubmissionCard(self.page, submission_id)


class ParagraphPage(BasePage):
    def open(self, slug: str, anchor: str) -> ParagraphPage:
        self.page.goto(f"/hoeringer/{slug}/{anchor}")
        return self

    @property
    def permalink(self) -> Locator:
        return self.page.locator(".permalink a")

    def replies_to(self, submission_id: int) -> Locator:
        """The collapsed replies under a comment (a <details> element)."""
        return self.page.locator(f"li.thread:has(> #innspill-{submission_id}) > details.replies")

    def submission(self, submission_id: int) -> SubmissionCard:
        return SubmissionCard(self.page, submission_id)


class SubmissionCard:
    """One innspill as shown in a list or on its own page."""

    def __init__(self, page: Page, submission_id: int):
        self.page = page
        self.root = page.locator(f"#innspill-{submission_id}")

    @property
    def endorsements(self) -> Locator:
        return self.root.locator(".endorsements")

    @property
    def endorse_button(self) -> Locator:
        return self.root.get_by_role("button", name="Enig")

    def endorse(self) -> SubmissionCard:
        self.endorse_button.click()
        return self

    def reply(self) -> WriteForm:
        self.root.get_by_role("link", name="Svar", exact=True).click()
        return WriteForm(self.page)

    def report(self) -> ReportForm:
        self.root.get_by_role("link", name="Rapporter innspillet").click()
        return ReportForm(self.page)


class SubmissionPage(BasePage):
    """An innspill's permalink page."""

    def open(self, slug: str, submission_id: int) -> SubmissionPage:
        self.page.goto(f"/hoeringer/{slug}/innspill/{submission_id}")
        return self

    def submission(self, submission_id: int) -> SubmissionCard:
        return SubmissionCard(self.page, submission_id)


# --- writing --------------------------------------------------------------------------------


class WriteForm(BasePage):
    """The form for a comment on a paragraph, a general statement or a reply."""

    @property
    def body(self) -> Locator:
        return self.page.get_by_label("Ditt innspill")

    @property
    def privacy_notice(self) -> Locator:
        return self.page.get_by_role("complementary", name="Viktig før du sender")

    @property
    def findings(self) -> Locator:
        return self.page.locator("#findings")

    @property
    def confirm_personal_data(self) -> Locator:
        return self.page.get_by_label(re.compile("^Send likevel"))

    @property
    def error_summary(self) -> Locator:
        return self.page.locator(".error-summary")

    def write(self, text: str) -> WriteForm:
        self.body.fill(text)
        return self

    def choose_position(self, label: str) -> WriteForm:
        self.page.get_by_role("radio", name=label, exact=True).check()
        return self

    def send(self) -> WriteForm:
        """Press "Send innspill"; the caller decides where that should have led."""
        self.page.get_by_role("button", name="Send innspill").click()
        return self

    def send_expecting_receipt(self) -> ReceiptPage:
        self.send()
        receipt = ReceiptPage(self.page)
        expect(receipt.heading).to_have_text("Takk for innspillet")
        return receipt


class ReceiptPage(BasePage):
    @property
    def journal_number(self) -> Locator:
        return self.page.locator(".journal-number")

    @property
    def permalink(self) -> Locator:
        return self.page.locator(".receipt a")

    def submission_id(self) -> int:
        match = re.search(r"/innspill/(\d+)/kvittering", self.page.url)
        assert match, self.page.url
        return int(match.group(1))

    def back_to_consultation(self) -> ConsultationPage:
        self.page.get_by_role("link", name="Tilbake til høringen").click()
        return ConsultationPage(self.page)


class ReportForm(BasePage):
    """The form anyone (signed in or not) uses to report an innspill to the moderators."""

    def choose_reason(self, label: str) -> ReportForm:
        self.page.get_by_role("radio", name=label, exact=True).check()
        return self

    def write(self, text: str) -> ReportForm:
        self.page.get_by_label("Utdyp gjerne (valgfritt)").fill(text)
        return self

    def send(self) -> SubmissionPage:
        self.page.get_by_role("button", name="Send rapport").click()
        return SubmissionPage(self.page)


# --- case officer (/admin) ------------------------------------------------------------------


class DashboardPage(BasePage):
    def open(self) -> DashboardPage:
        self.page.goto("/admin/")
        return self

    def manage(self, title: str) -> ManageConsultationPage:
        self.page.get_by_role("link", name=title).click()
        return ManageConsultationPage(self.page)


class ManageConsultationPage(BasePage):
    def open(self, slug: str) -> ManageConsultationPage:
        self.page.goto(f"/admin/hoeringer/{slug}/rediger")
        return self

    @property
    def status_badge(self) -> Locator:
        return self.page.locator("main .status").first

    def edit_draft(self) -> ManageDraftPage:
        self.page.get_by_role("main").get_by_role("link", name="Høringsutkastet").click()
        return ManageDraftPage(self.page)

    def publish_consultation(self) -> ManageConsultationPage:
        self.page.get_by_role("button", name="Publiser høringen").click()
        return self

    def view_public_page(self) -> ConsultationPage:
        self.page.get_by_role("link", name="Se den offentlige siden").click()
        return ConsultationPage(self.page)

    def download(self, link_name: str) -> Download:
        """Click one of the export links and wait for the file it downloads."""
        with self.page.expect_download(timeout=60_000) as download:
            self.page.get_by_role("link", name=link_name).click()
        return download.value


class ManageDraftPage(BasePage):
    def open(self, slug: str) -> ManageDraftPage:
        self.page.goto(f"/admin/hoeringer/{slug}/utkast")
        return self

    @property
    def preview(self) -> Locator:
        return self.page.get_by_role("region", name="Forhåndsvisning")

    @property
    def problems(self) -> Locator:
        return self.preview.get_by_role("alert").get_by_role("listitem")

    def paste(self, markdown: str) -> ManageDraftPage:
        self.page.get_by_label("Utkastet i Markdown").fill(markdown)
        return self

    def show_preview(self) -> ManageDraftPage:
        self.page.get_by_role("button", name="Forhåndsvis").click()
        expect(self.preview).to_be_visible()
        return self

    def publish_version(self) -> ManageConsultationPage:
        self.page.get_by_role("button", name="Publiser denne versjonen").click()
        return ManageConsultationPage(self.page)


# --- moderators (/admin/moderering) ---------------------------------------------------------


class ModerationQueuePage(BasePage):
    def open(self) -> ModerationQueuePage:
        self.page.goto("/admin/moderering/")
        return self

    def item(self, submission_id: int) -> Locator:
        return self.page.locator(".queue-item").filter(
            has=self.page.get_by_role("link", name=f"Innspill {submission_id}", exact=True)
        )

    def open_item(self, submission_id: int) -> ModerationItemPage:
        self.page.get_by_role("link", name=f"Innspill {submission_id}", exact=True).click()
        return ModerationItemPage(self.page)


class ModerationItemPage(BasePage):
    """One innspill as a moderator sees it: the original text, reports and one form per action."""

    @property
    def status(self) -> Locator:
        return self.page.locator(".item-status")

    @property
    def public_version(self) -> Locator:
        return self.page.locator(".public-version")

    def _action(self, slug: str) -> Locator:
        return self.page.locator(f"form.action-{slug}")

    def hide(self, category: str, reason: str) -> ModerationItemPage:
        form = self._action("skjul")
        form.get_by_label("Grunn", exact=True).select_option(label=category)
        form.get_by_label("Begrunnelse", exact=True).fill(reason)
        form.get_by_role("button", name="Skjul innspillet").click()
        return self

    def redact(self, spans: str) -> ModerationItemPage:
        form = self._action("sladd")
        form.get_by_label("Andre områder som skal sladdes").fill(spans)
        form.get_by_role("button", name="Sladd", exact=True).click()
        return self

    def select_in_original(self, words: str) -> ModerationItemPage:
        """Select these words in the original text, as a pointer would."""
        self.page.locator("#original-text").evaluate(
            """(pre, words) => {
                const texts = [...pre.childNodes].filter(n => n.nodeType === 3);
                const node = texts.find(n => n.data.includes(words));
                const range = document.createRange();
                const at = node.data.indexOf(words);
                range.setStart(node, at);
                range.setEnd(node, at + words.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
            }""",
            words,
        )
        return self

    def redact_selection(self) -> ModerationItemPage:
        self.page.get_by_role("button", name="Sladd markert tekst").click()
        return self

    @property
    def spans(self) -> Locator:
        return self._action("sladd").get_by_label("Andre områder som skal sladdes")

    def send_redaction(self) -> ModerationItemPage:
        self._action("sladd").get_by_role("button", name="Sladd", exact=True).click()
        return self

    def back_to_queue(self) -> ModerationQueuePage:
        self.page.get_by_role("navigation", name="Brødsmuler").get_by_role(
            "link", name="Moderering"
        ).click()
        return ModerationQueuePage(self.page)
