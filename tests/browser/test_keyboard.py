"""The whole comment-and-reply journey with the keyboard alone: Tab, Shift+Tab, Enter, Space
and the arrow keys, never a click. Every stop on the way must show where the focus is."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import (
    ConsultationPage,
    LoginPage,
    ParagraphPage,
    ReceiptPage,
    WriteForm,
    is_focused,
    press_to_navigate,
    tab_to,
)

pytestmark = pytest.mark.browser


def test_comment_reply_and_endorse_with_the_keyboard_alone(page, scene):
    keys = page.keyboard
    # Given a visitor who types the consultation's address
    consultation = ConsultationPage(page).open(scene.slug)

    # When they press Tab once, the skip link comes first, and shows itself
    keys.press("Tab")
    assert is_focused(consultation.skip_link)
    expect(consultation.skip_link).to_be_in_viewport()
    # When they follow it, they land on the main content
    keys.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    assert is_focused(consultation.main)

    # When they go back up to "Logg inn" and sign in
    tab_to(page, consultation.nav_link("Logg inn"), backwards=True)
    press_to_navigate(page)
    login = LoginPage(page)
    expect(login.heading).to_have_text("Logg inn")
    tab_to(page, page.get_by_label("E-postadresse"))
    keys.type(scene.citizen.email)
    keys.press("Tab")
    keys.type(scene.citizen.password)
    press_to_navigate(page)
    # Then they are back on the consultation, signed in
    expect(consultation.heading).to_have_text(scene.title)
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()

    # When they comment on the second paragraph, taking a position with the arrow keys
    tab_to(page, page.get_by_role("link", name=re.compile("Kommenter til avsnitt p-1-2$")))
    press_to_navigate(page)
    tab_to(page, page.get_by_role("link", name="Kommenter dette avsnittet"))
    press_to_navigate(page)
    form = WriteForm(page)
    expect(form.heading).to_have_text("Kommenter avsnittet")
    tab_to(page, form.body)
    keys.type("Dokumentasjonen bør også gjelde muntlige innspill.")
    tab_to(page, page.get_by_role("radio", name="Ikke oppgitt"))
    keys.press("ArrowDown")
    expect(page.get_by_role("radio", name="Støtter")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Send innspill"))
    press_to_navigate(page, "Space")
    # Then the receipt comes with a journal number
    receipt = ReceiptPage(page)
    expect(receipt.heading).to_have_text("Takk for innspillet")
    expect(receipt.journal_number).to_have_text(re.compile(r"^\d{4}/\d{6}$"))

    # When they go back and open the comments on the first paragraph
    tab_to(page, page.get_by_role("link", name="Tilbake til høringen"))
    press_to_navigate(page)
    tab_to(page, page.get_by_role("link", name="1 innspill · Kommenter til avsnitt p-1-1"))
    press_to_navigate(page)
    paragraph = ParagraphPage(page)
    comment = paragraph.submission(scene.comment_id)
    expect(comment.endorsements).to_have_text("0 er enige")

    # When they press "Enig" with the space bar
    tab_to(page, comment.endorse_button)
    press_to_navigate(page, "Space")
    # Then the count goes up
    expect(comment.endorsements).to_have_text("1 er enig")
    expect(comment.endorse_button).to_have_attribute("aria-pressed", "true")

    # When they answer the comment
    tab_to(page, comment.root.get_by_role("link", name="Svar", exact=True))
    press_to_navigate(page)
    form = WriteForm(page)
    expect(form.heading).to_have_text("Svar på innspill")
    tab_to(page, form.body)
    keys.type("Enig. Og det bør stå i loven, ikke i forskriften.")
    tab_to(page, page.get_by_role("button", name="Send innspill"))
    press_to_navigate(page)
    # Then that too is received and journaled
    expect(receipt.heading).to_have_text("Takk for innspillet")
    expect(receipt.journal_number).to_have_text(re.compile(r"^\d{4}/\d{6}$"))
