"""A realistic demo: one agency, users of every role, an open and a closed consultation.

The open consultation also holds one of each moderation case: an innspill with a test
fødselsnummer held for review, a reported one, a hidden one (tombstone) and a redacted one.
The closed one is ready for `flask archive export`: it holds published innspill (an
organisation's statement with a DOCX letter and a PDF appendix, converted to PDF/A by the task
queue), a reply, the agency's answer, an innspill with a screened name, one redacted and one
hidden by a moderator, and a form letter sent 60 times with small edits: a campaign for the case
officer to process.

Everything goes through the same services as the web, so the demo's innspill are journaled.
"""

from __future__ import annotations

import io
import random
from datetime import timedelta
from pathlib import Path

from docx import Document
from sqlalchemy import select

from hoering.accounts import second_factor
from hoering.accounts import services as accounts
from hoering.accounts.models import (
    ROLE_ADMIN,
    ROLE_CASE_OFFICER,
    ROLE_MODERATOR,
    Agency,
    Organisation,
    RegistryEntity,
    User,
)
from hoering.analysis import campaigns
from hoering.analysis import services as analysis
from hoering.analysis.models import Campaign
from hoering.archive.documents import render_text_pdf
from hoering.consultations import services as consultations
from hoering.consultations.models import MODE_POST, MODE_REACTIVE, Paragraph
from hoering.db import utcnow
from hoering.documents.services import Upload
from hoering.extensions import db
from hoering.moderation import services as moderation
from hoering.moderation.models import (
    ACTION_APPROVE,
    ACTION_HIDE,
    ACTION_REDACT,
    REASON_HARASSMENT,
    REASON_SPAM,
)
from hoering.outcome import services as outcome
from hoering.outcome import summary as outcome_summary
from hoering.submissions import services as submissions
from hoering.submissions.services import SubmissionData

PASSWORD = "demo-passord-2026"  # noqa: S105 - the demo's published password
# The published authenticator key of the demo's staff (two-factor is always on for staff).
TOTP_SECRET = "HOERINGDEMOHOERINGDEMOHOERINGDEM"  # noqa: S105
AGENCY_SLUG = "ddd"
SIGN_INS = (
    ("citizen", "innbygger@demo.hoering.no"),
    ("second citizen", "kari@demo.hoering.no"),
    ("organisation representative", "org@demo.hoering.no"),
    ("case officer", "saksbehandler@demo.hoering.no"),
    ("moderator", "moderator@demo.hoering.no"),
    ("admin", "admin@demo.hoering.no"),
)
DRAFT = (Path(__file__).parent / "demo_draft.md").read_text(encoding="utf-8")


def load() -> bool:
    """Create the demo unless it is there; True if it was created now."""
    if db.session.scalar(select(Agency.id).where(Agency.slug == AGENCY_SLUG)) is not None:
        return False
    agency = Agency(
        slug=AGENCY_SLUG,
        name="Direktoratet for digital deltakelse",
        org_number="999999999",
        privacy_contact="personvernombud@ddd.example.no",
        case_channel="post@ddd.example.no",
    )
    friluft = Organisation(name="Norsk Friluftsforum", org_number="921000006", kind="organisation")
    kommune = Organisation(name="Fjordvik kommune", org_number="987654325", kind="public_agency")
    db.session.add_all([agency, friluft, kommune])
    users = {}
    names = {
        "citizen": "Ola Nordmann",
        "second citizen": "Kari Hansen",
        "organisation representative": "Ingrid Berg",
        "case officer": "Per Saksbehandler",
        "moderator": "Mona Moderator",
        "admin": "Ada Admin",
    }
    for role, email in SIGN_INS:
        users[role] = accounts.create_user(email, names[role], PASSWORD)
    # Stand-ins for Enhetsregisteret's entries (the real file is loaded with `organisations
    # import`): the forum's representative was approved against them, so their innspill show
    # "verifisert"; the kommune's was linked by hand and is not.
    db.session.add_all(
        [
            RegistryEntity(org_number="921000006", name=friluft.name, form_code="FLI",
                           form_name="Forening/lag/innretning"),
            RegistryEntity(org_number="987654325", name=kommune.name, form_code="KOMM",
                           form_name="Kommune"),
        ]
    )  # fmt: skip
    friluft.registry_checked_at = utcnow()
    forum_rep = accounts.add_representative(users["organisation representative"], friluft)
    forum_rep.verified_at = utcnow()
    accounts.add_representative(users["second citizen"], kommune)
    accounts.grant_role(users["case officer"], ROLE_CASE_OFFICER, agency)
    accounts.grant_role(users["moderator"], ROLE_MODERATOR, agency)
    accounts.grant_role(users["admin"], ROLE_ADMIN)
    for role in ("case officer", "moderator", "admin"):
        second_factor.enrol_with_secret(users[role], TOTP_SECRET)
    db.session.flush()

    # In the order it happened, so journal numbers increase with journal dates: the closed
    # consultation ran two months ago and closed five days ago; the open one opened two weeks
    # ago; the closed one's revised draft and høringsoppsummering came after; the open one takes
    # innspill now.
    now = utcnow()
    closed, comment = _closed_consultation(agency, users, friluft, now)
    opened = _open_consultation(agency, users, now)
    _conclude(closed, users["case officer"], comment, now - timedelta(days=3))
    _open_innspill(opened, users, friluft, kommune)
    db.session.flush()
    return True


def _paragraph(consultation, anchor: str) -> Paragraph:
    return db.session.scalar(
        select(Paragraph).where(
            Paragraph.version_id == consultation.current_version_id, Paragraph.anchor == anchor
        )
    )


def _open_consultation(agency, users, now):
    officer = users["case officer"]
    consultation = consultations.create_consultation(
        agency,
        consultations.ConsultationData(
            title="Høring – forslag til lov om digital medvirkning (høringsloven)",
            summary=(
                "Direktoratet foreslår en ny lov som gir alle rett til å delta i offentlige "
                "høringer digitalt, avsnitt for avsnitt, og som sikrer at alle innspill blir "
                "journalført og arkivert."
            ),
            case_number="2026/1234",
            opens_at=now - timedelta(days=14),
            deadline=now + timedelta(days=45),
            moderation_mode=MODE_POST,
            expectations="",
        ),
        by=officer,
        now=now - timedelta(days=15),
    )
    consultations.publish_draft_version(
        consultation, DRAFT, by=officer, now=now - timedelta(days=15)
    )
    consultations.add_consultee(consultation, "Norsk Friluftsforum", "921000006", "post@nff.no")
    consultations.add_consultee(consultation, "Fjordvik kommune", "987654325")
    consultations.add_consultee(consultation, "Foreningen for åpen forvaltning", "912345009")
    consultations.publish_consultation(consultation, now=now - timedelta(days=14))
    return consultation


def _open_innspill(consultation, users, friluft, kommune):
    def say(who, body, *, anchor=None, parent=None, **kw):
        return submissions.submit(
            consultation,
            SubmissionData(body=body, **kw),
            author=users[who],
            paragraph=_paragraph(consultation, anchor) if anchor else None,
            parent=parent,
        )

    first = say(
        "citizen",
        "Tre måneder er for kort når saken er stor. Foreslår at fristen kan forlenges "
        "når mange ber om det.",
        anchor="p-5-1",
        position="oppose",
    )
    say(
        "organisation representative",
        "Vi støtter en hovedregel på tre måneder. Frivillige organisasjoner trenger tid "
        "til å forankre svaret i styret.",
        anchor="p-5-1",
        position="support",
        organisation_id=friluft.id,
    )
    say(
        "second citizen",
        "Enig med forrige innspill – særlig om sommeren blir tre måneder fort kort.",
        parent=first,
    )
    say(
        "citizen",
        "Det bør stå uttrykkelig at **begrunnelsen for fjerning** skal være synlig for alle.",
        anchor="p-8-2",
        position="support",
    )
    say(
        "second citizen",
        "Kommunen mener kravet om universell utforming også må gjelde vedlegg.",
        anchor="p-4-3",
        position="support",
        organisation_id=kommune.id,
    )
    general = say(
        "organisation representative",
        "Norsk Friluftsforum støtter lovforslaget i hovedsak. Vi ber om at organisasjoner "
        "får varsel når en høring som gjelder friluftsliv, blir lagt ut.",
        organisation_id=friluft.id,
        position="support",
    )
    say(
        "citizen",
        "Godt forslag. Varsling per tema ville gjort det enklere å følge med.",
        parent=general,
    )
    submissions.endorse(first, users["second citizen"])
    submissions.endorse(first, users["organisation representative"])
    submissions.endorse(general, users["citizen"])
    submissions.reply_as_agency(
        first,
        "Takk for innspillet. Vi vurderer en regel om forlenget frist i den videre behandlingen.",
        by=users["case officer"],
    )
    _moderation_examples(consultation, users, say)
    return consultation


def _moderation_examples(consultation, users, say):
    """One of each case a moderator meets, so a newcomer can try the queue and the public view."""
    moderator = users["moderator"]
    # Held for review: a valid synthetic test fødselsnummer (SECURITY.md §2), sent anyway.
    say(
        "second citizen",
        "Jeg fikk avslag i min egen sak, fødselsnummer 13097248022. Loven må gi klagerett.",
        anchor="p-8-1",
        confirm_personal_data=True,
    )
    # Reported by two people: in the queue, still public (the threshold is three).
    reported = say(
        "citizen",
        "Direktoratet er fullt av udugelige byråkrater som burde skamme seg.",
        anchor="p-4-3",
    )
    for reporter in ("second citizen", "organisation representative"):
        moderation.report(
            reported,
            reason=REASON_HARASSMENT,
            note="Personangrep, ikke saklig.",
            user=users[reporter],
            address=None,
        )
    # Hidden with a tombstone; the reply under it stays readable.
    spam = say("citizen", "Kjøp billige solbriller på www.example.com/tilbud !!!", anchor="p-5-1")
    say("second citizen", "Dette ser ut som reklame.", parent=spam)
    moderation.moderate(
        spam,
        moderation.Decision(
            action=ACTION_HIDE,
            version=spam.moderation_version,
            category=REASON_SPAM,
            reason="reklame for et produkt som ikke har med høringen å gjøre",
        ),
        by=moderator,
    )
    # Redacted: a phone number, sent anyway, then redacted and approved.
    redacted = say(
        "organisation representative",
        "Vi vil gjerne møte direktoratet om dette. Ring meg på 912 34 567.",
        anchor="p-8-2",
        confirm_personal_data=True,
    )
    start = redacted.body.index("912 34 567")
    for decision in (
        moderation.Decision(
            action=ACTION_REDACT, version=0, spans=[(start, start + len("912 34 567"))]
        ),
        moderation.Decision(action=ACTION_APPROVE, version=1),
    ):
        moderation.moderate(redacted, decision, by=moderator)


def _closed_consultation(agency, users, friluft, now):
    officer = users["case officer"]
    opened = now - timedelta(days=60)
    consultation = consultations.create_consultation(
        agency,
        consultations.ConsultationData(
            title="Høring – retningslinjer for klarspråk i offentlige skjema",
            summary="Forslag til felles retningslinjer for klart språk i skjema fra staten.",
            case_number="2026/0815",
            opens_at=opened,
            deadline=now - timedelta(days=5),
            moderation_mode=MODE_REACTIVE,
            expectations="",
        ),
        by=officer,
        now=opened - timedelta(days=1),
    )
    consultations.publish_draft_version(
        consultation,
        "# Retningslinjer\n\n## 1 Skriv kort\n\nBruk korte setninger.\n\n"
        "Forklar fagord første gang de brukes.\n\n## 2 Skriv til leseren\n\n"
        "Bruk du-form når skjemaet retter seg mot privatpersoner.\n",
        by=officer,
        now=opened - timedelta(days=1),
    )
    # The invited høringsinstanser: the høringsbrev journaled at opening is sent to each.
    consultations.add_consultee(consultation, "Norsk Friluftsforum", "921000006", "post@nff.no")
    consultations.add_consultee(consultation, "Fjordvik kommune", "987654325")
    consultations.publish_consultation(consultation, now=opened)
    at = opened + timedelta(days=3)
    comment = submissions.submit(
        consultation,
        SubmissionData(body="Du-form gjør skjemaene mye lettere å forstå.", position="support"),
        author=users["citizen"],
        paragraph=_paragraph(consultation, "p-2-1"),
        now=at,
    )
    submissions.submit(
        consultation,
        SubmissionData(
            body="Vi støtter retningslinjene og tilbyr oss å teste dem på medlemmene våre.",
            organisation_id=friluft.id,
            files=statement_files(consultation, friluft.name),
        ),
        author=users["organisation representative"],
        now=at + timedelta(hours=2),
    )
    submissions.submit(
        consultation,
        SubmissionData(body="Gjelder dette også brev, eller bare skjema?"),
        author=users["second citizen"],
        parent=comment,
        now=at + timedelta(days=1),
    )
    submissions.reply_as_agency(
        comment,
        "Takk! Vi tar med dette i den endelige veilederen.",
        by=officer,
        now=at + timedelta(days=1, hours=2),
    )
    _moderated_innspill(consultation, users, at + timedelta(days=2))
    form_letters(consultation, at + timedelta(days=4), password_hash=users["citizen"].password_hash)
    consultations.close_consultation(consultation, by=officer, now=consultation.deadline)
    return consultation, comment


def _conclude(consultation, officer, comment, at):
    """After the deadline: the revised draft (journaled as its own outgoing journalpost), then
    the høringsoppsummering an hour later."""
    consultations.publish_draft_version(
        consultation,
        REVISED_GUIDELINES,
        by=officer,
        note="Revidert etter innspillene: du-form og fagord.",
        now=at,
    )
    campaigns.detect_campaigns(consultation)
    _outcome(consultation, officer, comment, at + timedelta(hours=1))


STATEMENT_LETTER = (
    "Norsk Friluftsforum viser til høringsbrevet og takker for muligheten til å uttale seg.",
    "Forumet støtter forslaget til felles retningslinjer for klarspråk i offentlige skjema. "
    "Medlemmene våre fyller ut søknader om tilskudd og tillatelser hvert år, og mange av dem "
    "gjør det på dugnad.",
    "Vi ber om at retningslinjene også gjelder veiledningen til skjemaene, og tilbyr oss å "
    "teste utkastet på et utvalg av medlemsorganisasjonene våre.",
)
STATEMENT_APPENDIX = (
    "Vedlegg 1: Eksempler på uklare formuleringer i skjema",
    "«Søker må dokumentere at tiltaket er i samsvar med gjeldende bestemmelser.» — "
    "Medlemmene vet ikke hvilke bestemmelser det gjelder.",
    "«Det skal redegjøres for eventuelle avvik.» — Hva er et avvik, og hvor langt skal "
    "redegjørelsen være?",
)


def statement_files(consultation, organisation: str) -> list[Upload]:
    """A høringssvar as organisations send it: the signed letter as Word, an appendix as PDF
    (made with the archive's own PDF/A code), real files through the same checks as any."""
    letter = Document()
    letter.add_heading(f"Høringssvar – {consultation.title}", level=1)
    for text in STATEMENT_LETTER:
        letter.add_paragraph(text)
    letter.add_paragraph(f"Med vennlig hilsen\n{organisation}")
    out = io.BytesIO()
    letter.save(out)
    appendix = render_text_pdf(
        STATEMENT_APPENDIX[0],
        consultation.case_number,
        organisation,
        "\n\n".join(STATEMENT_APPENDIX[1:]),
    )
    return [
        Upload("Høringssvar Norsk Friluftsforum.docx", out.getvalue()),
        Upload("Vedlegg 1 – eksempler.pdf", appendix),
    ]


REVISED_GUIDELINES = (
    "# Retningslinjer\n\n## 1 Skriv kort\n\nBruk korte setninger.\n\n"
    "Forklar fagord første gang de brukes, eller bruk et vanlig ord i stedet.\n\n"
    "## 2 Skriv til leseren\n\n"
    "Bruk du-form når skjemaet eller brevet retter seg mot privatpersoner.\n"
)


def _outcome(consultation, officer, comment, now):
    """Themes, dispositions and a published høringsoppsummering for the closed consultation."""
    letter = db.session.scalar(select(Campaign).where(Campaign.consultation_id == consultation.id))
    reader = analysis.create_theme(
        consultation, "Skriv til leseren", "Du-form, brev og vedtak.", by=officer
    )
    db.session.flush()
    analysis.tag(
        consultation, reader, [comment.id], by=officer, quote="Du-form gjør skjemaene mye lettere"
    )
    if letter is not None:
        analysis.tag(consultation, reader, [letter.template_id], by=officer)
    current = {
        p.anchor: p.id
        for p in db.session.scalars(
            select(Paragraph).where(Paragraph.version_id == consultation.current_version_id)
        )
    }
    outcome.record_disposition(
        consultation,
        outcome.TARGET_THEME,
        reader.id,
        decision="partly",
        assessment=(
            "Direktoratet utvider kravet om du-form til brev. Vedtak holdes utenfor, fordi "
            "forvaltningsloven stiller egne krav til dem."
        ),
        paragraph_ids=[current["p-2-1"]],
        by=officer,
    )
    if letter is not None:
        outcome.record_disposition(
            consultation,
            outcome.TARGET_CAMPAIGN,
            letter.id,
            decision="accepted",
            assessment="Retningslinjene gjelder nå både skjema og brev.",
            paragraph_ids=[current["p-2-1"]],
            by=officer,
        )
    outcome_summary.save_introduction(
        consultation,
        "Direktoratet fikk inn innspill fra privatpersoner og organisasjoner. Her er "
        "synspunktene, vår vurdering av dem og endringene i retningslinjene.",
        by=officer,
    )
    outcome_summary.publish_summary(consultation, by=officer, now=now)


FORM_LETTER = (
    "Jeg støtter at staten får felles retningslinjer for klart språk i skjema.",
    "Mange skjema i dag er så vanskelige at folk må ringe etaten for å få hjelp.",
    "Det koster tid for både innbyggerne og forvaltningen.",
    "Retningslinjene bør også gjelde brev og vedtak, ikke bare skjema.",
    "Klarspråk er et spørsmål om rettssikkerhet og likebehandling.",
)
GREETINGS = ("", "Hei!", "Til direktoratet.", "God dag,")
SIGN_OFFS = ("", "Hilsen {name}", "Med vennlig hilsen {name}", "{name}, Fjordvik")
EXTRA = (
    "Min mor på 84 år klarer ikke skjemaene på egen hånd.",
    "Jeg jobber selv i en kommune og ser dette hver dag.",
    "Takk for at dere spør oss.",
)
FIRST_NAMES = ("Anne", "Bjørn", "Camilla", "Dag", "Eva", "Frode", "Guro", "Håkon", "Ida", "Jon")
LAST_NAMES = ("Aasen", "Bakke", "Dahl", "Eide", "Fjeld", "Lie", "Moen", "Strand")


def form_letters(consultation, at, *, password_hash: str, copies: int = 60) -> None:
    """A form letter sent `copies` times with small edits (a campaign the case officer finds),
    each from its own sender (demo people who share one password), each journaled on its own."""
    rng = random.Random(2026)  # noqa: S311 - varied demo text, not security
    for n in range(copies):
        name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}"
        sender = User(
            email=f"avsender{n + 1}@demo.hoering.no", name=name, password_hash=password_hash
        )
        db.session.add(sender)
        db.session.flush()
        sentences = list(FORM_LETTER)
        if rng.random() < 0.3:
            sentences.insert(rng.randrange(len(sentences)), rng.choice(EXTRA))
        if rng.random() < 0.2:
            sentences.pop(rng.randrange(len(sentences)))
        parts = [rng.choice(GREETINGS), " ".join(sentences), rng.choice(SIGN_OFFS)]
        body = "\n\n".join(part.format(name=name) for part in parts if part)
        submissions.submit(
            consultation,
            SubmissionData(body=body, position="support"),
            author=sender,
            now=at + timedelta(minutes=7 * n),
        )


def _moderated_innspill(consultation, users, at):
    """A screened name, a redacted and a hidden innspill, each logged in the journal."""
    moderator = users["moderator"]
    submissions.submit(
        consultation,
        SubmissionData(
            body="Jeg lager skjema til daglig. Eksempler i veilederen hjelper mer enn regler.",
            hide_name=True,
        ),
        author=users["second citizen"],
        paragraph=_paragraph(consultation, "p-1-2"),
        now=at,
    )
    redacted = submissions.submit(
        consultation,
        SubmissionData(body="Kollegaen min Per Olsen skriver alltid altfor lange setninger."),
        author=users["citizen"],
        paragraph=_paragraph(consultation, "p-1-1"),
        now=at + timedelta(hours=3),
    )
    start = redacted.body.index("Per Olsen")
    moderation.moderate(
        redacted,
        moderation.Decision(
            action=ACTION_REDACT,
            version=redacted.moderation_version,
            reason="Navn på en tredjeperson",
            spans=[(start, start + len("Per Olsen"))],
        ),
        by=moderator,
        now=at + timedelta(days=1),
    )
    hidden = submissions.submit(
        consultation,
        SubmissionData(body="KJØP BILLIGE SKJEMAMALER HER!!! Best i test, lavest pris."),
        author=users["citizen"],
        now=at + timedelta(days=1),
    )
    moderation.moderate(
        hidden,
        moderation.Decision(
            action=ACTION_HIDE,
            version=hidden.moderation_version,
            category=REASON_SPAM,
            reason="Reklame",
        ),
        by=moderator,
        now=at + timedelta(days=2),
    )
