"""Universal design (WCAG 2.1 A and AA, the law for Norwegian public websites), checked in a
real browser on every public and staff page, including error pages and forms showing errors.

PAGES below is the one list of what is checked. Each page gets axe-core (zero violations at
wcag2a, wcag2aa, wcag21a, wcag21aa) and the checks axe cannot make: one h1 and no skipped
heading level, the landmarks, the skip link, errors tied to their fields, status told in words,
and text that reflows at 320 CSS px and at 200 % zoom without horizontal scrolling. A new page
is one more line in PAGES.

The list of pages checked is printed and written to test-artifacts/accessibility-pages.txt.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from hoering.accounts.models import ROLE_ADMIN, ROLE_CASE_OFFICER, ROLE_MODERATOR
from hoering.config import PROJECT_ROOT
from hoering.consultations import services as consultations
from hoering.documents.services import Upload
from hoering.moderation import services as moderation
from hoering.submissions import services as submissions
from tests.browser.conftest import AXE_SCRIPT, DESKTOP
from tests.browser.pages import LoginPage, ManageDraftPage, WriteForm, tab_to
from tests.conftest import PASSWORD
from tests.documents import files as document_files
from tests.factories import (
    DRAFT,
    make_agency,
    make_consultation,
    make_organisation,
    make_submission,
    make_user,
)

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REPORT = PROJECT_ROOT / "test-artifacts" / "accessibility-pages.txt"
FNR = "13097248022"
# A draft whose sections start at "##": its headings must still follow on from the h2 above.
DRAFT_WITHOUT_CHAPTERS = """## § 1 Formål

Forskriften skal gjøre skiltene lettere å lese.

## § 2 Virkeområde

Forskriften gjelder alle offentlige veier.
"""


def _send_empty(button: str) -> Callable[[Page], None]:
    def send(page: Page) -> None:
        page.get_by_role("main").get_by_role("button", name=button).click()
        expect(page.locator(".error-summary")).to_be_visible()

    return send


def _send_personal_data(page: Page) -> None:
    WriteForm(page).write(f"Fødselsnummeret mitt er {FNR}.").send()
    expect(WriteForm(page).findings).to_be_visible()


def _preview_with_problems(page: Page) -> None:
    ManageDraftPage(page).paste(DRAFT + "\n| en | tabell |\n").show_preview()


def _hide_without_reason(page: Page) -> None:
    page.locator("form.action-skjul").get_by_role("button", name="Skjul innspillet").click()
    expect(page.locator(".action-skjul .error-message").first).to_be_visible()


def _choose_pale_colour(page: Page) -> None:
    page.get_by_label("Profilfarge").fill("#ffcc00")
    page.get_by_role("main").get_by_role("button", name="Lagre").click()
    expect(page.locator(".error-summary")).to_be_visible()


def _attach_a_refused_file(page: Page) -> None:
    page.get_by_label("Ditt innspill").fill("Se vedlegget.")
    page.get_by_label("Vedlegg (valgfritt)").set_input_files(
        files=[{"name": "brev.pdf", "mimeType": "application/pdf", "buffer": b"<html></html>"}]
    )
    page.get_by_role("main").get_by_role("button", name="Send innspill").click()
    expect(page.locator(".error-summary")).to_be_visible()


@dataclass(frozen=True)
class Checked:
    """A page to check: who looks at it, where, and what they do first (send a form...)."""

    name: str
    path: str
    who: str = "visitor"  # or a role signed in with its email from site["emails"]
    status: int = 200
    then: Callable[[Page], None] | None = None


PAGES = [
    # public, not signed in
    Checked("front page", "/"),
    Checked("consultation list, filtered", "/hoeringer/?status=open"),
    Checked("consultation", "/hoeringer/{open}/"),
    Checked("consultation in an agency's own colour, with its logo", "/hoeringer/{themed}/"),
    Checked("consultation, sections without chapters", "/hoeringer/{plain}/"),
    Checked("closed consultation", "/hoeringer/{closed}/"),
    Checked("paragraph with comments", "/hoeringer/{open}/p-1-1"),
    Checked("innspill with replies and an agency answer", "/hoeringer/{open}/innspill/{comment}"),
    Checked("sign in", "/logg-inn"),
    Checked("sign in, errors shown", "/logg-inn", status=400, then=_send_empty("Logg inn")),
    Checked("forgotten password", "/glemt-passord"),
    Checked("forgotten password, errors shown", "/glemt-passord", then=_send_empty("Send lenken")),
    Checked("register", "/registrer"),
    Checked("register, errors shown", "/registrer", then=_send_empty("Registrer deg")),
    Checked("error 404", "/hoeringer/finnes-ikke/", status=404),
    Checked("error 400", "/hoeringer/?status=tull", status=400),
    # signed in as a citizen
    Checked("comment form", "/hoeringer/{open}/p-1-1/skriv", "citizen"),
    Checked(
        "comment form, errors shown",
        "/hoeringer/{open}/p-1-1/skriv",
        "citizen",
        then=_send_empty("Send innspill"),
    ),
    Checked(
        "comment form, personal data found",
        "/hoeringer/{open}/p-1-2/skriv",
        "citizen",
        then=_send_personal_data,
    ),
    Checked("statement form", "/hoeringer/{open}/skriv", "citizen"),
    Checked("reply form", "/hoeringer/{open}/innspill/{comment}/svar", "citizen"),
    Checked("comment form, consultation closed", "/hoeringer/{closed}/skriv", "citizen", 409),
    Checked("receipt", "/hoeringer/{open}/innspill/{mine}/kvittering", "citizen"),
    Checked("paragraph, signed in", "/hoeringer/{open}/p-1-1", "citizen"),
    Checked("my innspill", "/mine-innspill", "citizen"),
    Checked("withdraw an innspill, asked first", "/mine-innspill/{mine}/trekk-tilbake", "citizen"),
    Checked(
        "no comments, asked first",
        "/hoeringer/{open}/ingen-merknader?organisasjon={organisation}",
        "citizen",
    ),
    Checked("account", "/konto", "citizen"),
    Checked("account, errors shown", "/konto", "citizen", then=_send_empty("Bytt passord")),
    Checked("error 403", "/admin/", "citizen", 403),
    Checked("organisations I speak for", "/organisasjoner/", "citizen"),
    Checked(
        "organisations, errors shown",
        "/organisasjoner/",
        "citizen",
        then=_send_empty("Send forespørselen"),
    ),
    Checked("requests to represent", "/organisasjoner/foresporsler", "admin"),
    Checked("account with two-factor sign-in", "/konto", "officer"),
    Checked("second-factor code, asked again", "/to-trinn", "officer"),
    # signed in as a case officer
    Checked("staff dashboard", "/admin/", "officer"),
    Checked("people and roles, one person found", "/admin/brukere?e={officer_email}", "admin"),
    Checked("new agency", "/admin/virksomheter/ny", "admin"),
    Checked("new consultation", "/admin/hoeringer/ny", "officer"),
    Checked(
        "new consultation, errors shown",
        "/admin/hoeringer/ny",
        "officer",
        then=_send_empty("Opprett høringen"),
    ),
    Checked("manage a draft consultation", "/admin/hoeringer/{draft}/rediger", "officer"),
    Checked("manage an open consultation", "/admin/hoeringer/{open}/rediger", "officer"),
    Checked("close a consultation, asked first", "/admin/hoeringer/{open}/lukk", "officer"),
    Checked(
        "link the accessibility statement",
        "/admin/virksomheter/{agency}/tilgjengelighet",
        "officer",
    ),
    Checked("import the draft", "/admin/hoeringer/{draft}/utkast", "officer"),
    Checked(
        "import the draft, preview with problems",
        "/admin/hoeringer/{draft}/utkast",
        "officer",
        then=_preview_with_problems,
    ),
    Checked("answer an innspill", "/hoeringer/{open}/innspill/{comment}", "officer"),
    Checked(
        "answer an innspill, errors shown",
        "/hoeringer/{open}/innspill/{comment}",
        "officer",
        then=_send_empty("Publiser svaret"),
    ),
    Checked("edit the privacy statement", "/admin/virksomheter/{agency}/personvern", "officer"),
    Checked("agency appearance", "/admin/virksomheter/{agency}/utseende", "officer"),
    Checked(
        "agency appearance, colour refused",
        "/admin/virksomheter/{agency}/utseende",
        "officer",
        then=_choose_pale_colour,
    ),
    Checked("exports of a closed consultation", "/admin/hoeringer/{closed}/rediger", "officer"),
    # public pages about the agency
    Checked("privacy statement", "/virksomheter/{agency}/personvern"),
    Checked("accessibility statement of the site", "/tilgjengelighet"),
    Checked("accessibility statement", "/virksomheter/{agency}/tilgjengelighet"),
    Checked(
        "accessibility statement, report refused",
        "/virksomheter/{agency}/tilgjengelighet",
        then=_send_empty("Send meldingen"),
    ),
    Checked("public journal", "/virksomheter/{agency}/offentlig-journal"),
    Checked("public journal, filtered", "/virksomheter/{agency}/offentlig-journal?hoering={open}"),
    Checked("report an innspill", "/hoeringer/{open}/innspill/{comment}/rapporter"),
    Checked(
        "report an innspill, errors shown",
        "/hoeringer/{open}/innspill/{comment}/rapporter",
        then=_send_empty("Send rapport"),
    ),
    # signed in as a moderator
    Checked("moderation queue", "/admin/moderering/", "moderator"),
    Checked("moderation queue, filtered", "/admin/moderering/?grunn=funn", "moderator"),
    Checked("moderation item with findings", "/admin/moderering/innspill/{held}", "moderator"),
    Checked("moderation item, reported", "/admin/moderering/innspill/{reported}", "moderator"),
    Checked(
        "moderation item, errors shown",
        "/admin/moderering/innspill/{reported}",
        "moderator",
        then=_hide_without_reason,
    ),
    Checked("moderation log", "/admin/moderering/logg", "moderator"),
    # documents
    Checked("innspill with files", "/hoeringer/{open}/innspill/{with_files}"),
    Checked(
        "statement form with a file refused",
        "/hoeringer/{open}/skriv",
        "citizen",
        400,
        then=_attach_a_refused_file,
    ),
    Checked(
        "moderation item with a file's findings",
        "/admin/moderering/innspill/{held_file}",
        "moderator",
    ),
    Checked("documents and attachments", "/admin/hoeringer/{open}/dokumenter", "officer"),
    Checked(
        "register an innspill received by e-mail or letter",
        "/admin/hoeringer/{open}/registrer-innspill",
        "officer",
    ),
    Checked(
        "register an innspill, errors shown",
        "/admin/hoeringer/{open}/registrer-innspill",
        "officer",
        then=_send_empty("Registrer og journalfør"),
    ),
]


@pytest.fixture(scope="module")
def site(live_server) -> dict:
    """Every kind of page filled in: comments, replies, an agency answer, consultees, a held
    innspill, a closed and an unpublished consultation."""
    with live_server.data():
        agency = make_agency(name="Direktoratet for tilgjengelighet")
        officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency, name="Siri Saksbehandler")
        organisation = make_organisation(
            # Not the factory's default number: the live database is shared by the whole run,
            # and the export journey's make_closed_consultation() takes that one.
            name="Blindeforbundet for testing",
            org_number="921000022",
        )
        citizen = make_user(name="Ola Nordmann", organisations=[organisation])
        other = make_user(name="Kari Nordmann")
        opened = make_consultation(agency=agency, officer=officer, title="Høring om tilgang")
        comment = make_submission(opened, author=other, body="Avsnittet er *for* vagt.")
        make_submission(opened, author=citizen, parent=comment, body="Enig i det.")
        submissions.endorse(comment, citizen)
        submissions.reply_as_agency(comment, "Takk, vi ser på det.", by=officer)
        mine = make_submission(opened, author=citizen, anchor="p-2-1", position="support")
        held = make_submission(
            opened,
            author=citizen,
            general=True,
            body=f"Mitt nummer er {FNR}.",
            confirm_personal_data=True,
        )
        reported = make_submission(opened, author=other, anchor="p-1-2", body="Kjøp billig nå!")
        moderation.report(reported, reason="spam", note="Reklame.", user=citizen, address=None)
        with_files = make_submission(
            opened,
            author=other,
            general=True,
            body="Se vedlegget.",
            files=[Upload("Høringssvar.docx", document_files.docx("Vi støtter forslaget."))],
        )
        held_file = make_submission(
            opened,
            author=other,
            general=True,
            body="Brevet ligger ved.",
            files=[Upload("Brev.docx", document_files.docx(f"Gjelder nummer {FNR}."))],
            confirm_personal_data=True,
        )
        moderator = make_user(roles=[ROLE_MODERATOR], agency=agency, name="Mona Moderator")
        admin = make_user(roles=[ROLE_ADMIN], name="Ada Admin")
        consultations.add_consultee(opened, organisation.name, organisation.org_number, "")
        plain = make_consultation(agency=agency, officer=officer, draft=DRAFT_WITHOUT_CHAPTERS)
        closed = make_consultation(agency=agency, officer=officer, title="Høring om gamle skilt")
        make_submission(closed, author=other, general=True, body="For sent ute?")
        consultations.close_consultation(closed, by=officer)
        themed = make_consultation(
            agency=make_agency(
                name="Direktoratet med egen farge",
                theme_color="#1a5e20",
                logo_url="/static/vendor/finnes-ikke.svg",
            ),
            title="Høring i egen farge",
        )
        draft = make_consultation(
            agency=agency, officer=officer, title="Høring under arbeid", draft=None, publish=False
        )
        return {
            "open": opened.slug,
            "plain": plain.slug,
            "themed": themed.slug,
            "closed": closed.slug,
            "draft": draft.slug,
            "agency": agency.slug,
            "officer_email": officer.email,
            "comment": comment.id,
            "mine": mine.id,
            "held": held.id,
            "reported": reported.id,
            "organisation": organisation.id,
            "with_files": with_files.id,
            "held_file": held_file.id,
            # Who signs in to look at pages: one browser context each.
            "emails": {
                "citizen": citizen.email,
                "officer": officer.email,
                "moderator": moderator.email,
                "admin": admin.email,
            },
        }


@pytest.fixture(scope="module")
def pages_by_role(browser, live_server, site):
    """One signed-in page per role; bypass_csp so axe-core's script can be added to pages."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is not installed ({AXE_SCRIPT}): run `make install-test`")
    contexts = []
    pages = {}
    for who in ("visitor", *site["emails"]):
        context = browser.new_context(
            base_url=live_server.url, viewport=DESKTOP, locale="nb-NO", bypass_csp=True
        )
        context.set_default_timeout(5000)
        contexts.append(context)
        pages[who] = context.new_page()
        if who != "visitor":
            LoginPage(pages[who]).open().sign_in(site["emails"][who], PASSWORD)
    yield pages
    for context in contexts:
        context.close()


# The checks axe does not make: headings, landmarks, skip link, errors tied to fields, status in
# words. A list of problems, empty when all is well.
STRUCTURE_SCRIPT = (Path(__file__).parent / "structure.js").read_text(encoding="utf-8")

_OVERFLOW = """() => {
  const root = document.scrollingElement;
  if (root.scrollWidth <= window.innerWidth) return null;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 3).map(e => e.outerHTML.slice(0, 80));
  return `${root.scrollWidth}px wide in ${window.innerWidth}px: ${wide.join(' | ')}`;
}"""


def _axe(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"axe {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(json.dumps(node["target"]) for node in v["nodes"][:3])
        for v in result["violations"]
    ]


def _reflow(page: Page) -> list[str]:
    """WCAG 1.4.10: no horizontal scrolling at 320 CSS px, and at 200 % zoom of a 1280 px
    window (640 CSS px)."""
    problems = []
    for width, label in ((320, "320 px"), (640, "200 % zoom")):
        page.set_viewport_size({"width": width, "height": 800})
        overflow = page.evaluate(_OVERFLOW)
        if overflow:
            problems.append(f"reflow at {label}: {overflow}")
    page.set_viewport_size(DESKTOP)
    return problems


def test_every_page_passes_axe_and_the_structure_checks(pages_by_role, site):
    lines, failures = [], []
    for checked in PAGES:
        page = pages_by_role[checked.who]
        path = checked.path.format(**site)
        response = page.goto(path)
        problems = []
        if response.status != checked.status and checked.then is None:
            problems.append(f"HTTP {response.status}, expected {checked.status}")
        if checked.then:
            checked.then(page)
        problems += _axe(page) + page.evaluate(STRUCTURE_SCRIPT) + _reflow(page)
        lines.append(f"{'FAIL' if problems else 'ok  '}  {checked.who:8} {path}  ({checked.name})")
        failures += [f"{checked.name} ({path}): {problem}" for problem in problems]
    report = "\n".join(
        [f"Pages checked with axe-core ({', '.join(AXE_TAGS)}) and structure checks:", *lines]
    )
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(report + "\n", encoding="utf-8")
    print(report)
    assert not failures, "\n".join(failures)


def test_focus_is_visible_on_every_link_button_and_field(pages_by_role, site):
    # Given a signed-in citizen on the consultation page, which has every kind of control
    page = pages_by_role["citizen"]
    page.goto(f"/hoeringer/{site['open']}/")
    # When they Tab through the whole page, Then every stop shows a visible focus outline
    # (tab_to checks each stop) until they reach the footer's side of the page
    # (the last of the two "Skriv en uttalelse" links sits after the draft)
    statement = page.get_by_role("link", name="Skriv en uttalelse til hele utkastet").last
    tab_to(page, statement, limit=150)
    # And so on a staff form
    officer = pages_by_role["officer"]
    officer.goto("/admin/hoeringer/ny")
    tab_to(officer, officer.get_by_role("button", name="Opprett høringen"), limit=80)


def test_skip_link_moves_focus_to_the_main_content(pages_by_role, site):
    page = pages_by_role["visitor"]
    page.goto(f"/hoeringer/{site['open']}/p-1-1")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab goes into the content, not back to the header
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_form_errors_are_announced_and_tied_to_their_fields(pages_by_role):
    # Given the registration form sent empty
    page = pages_by_role["visitor"]
    page.goto("/registrer")
    page.get_by_role("main").get_by_role("button", name="Registrer deg").click()
    # Then the summary is an alert that got the focus, with a link to each field
    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    name = page.get_by_label("Fullt navn")
    expect(summary.get_by_role("link", name="Fullt navn: Skriv navnet ditt.")).to_have_attribute(
        "href", "#name"
    )
    # And each field is marked invalid and described by its hint and its error, in that order
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_attribute("aria-describedby", "name-hint name-error")
    expect(name).to_have_accessible_description(
        "Navnet vises sammen med innspillene dine. Feil: Skriv navnet ditt."
    )
    expect(page.get_by_label("E-postadresse")).to_have_accessible_description(
        "Feil: Skriv e-postadressen din."
    )


def test_the_axe_check_does_find_violations(pages_by_role):
    """A guard against a silent checker: axe must report a page with known faults."""
    page = pages_by_role["visitor"]
    page.set_content('<html><body><img src="x.png"><a href="/"></a></body></html>')
    found = " ".join(_axe(page))
    assert "image-alt" in found
    assert "link-name" in found
