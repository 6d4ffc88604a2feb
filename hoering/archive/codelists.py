"""The Noark 5 v5.0 code lists (metadatakatalog, "Obligatoriske verdier"): the values an element
with an M-coded list may hold. The writer uses them, and `archive check` checks every occurrence
of these elements in arkivstruktur.xml and the journals against them."""

from __future__ import annotations

SKJERMING_METADATA = (  # M502
    "Skjerming klasseID",
    "Skjerming tittel klasse",
    "Skjerming tittel mappe - unntatt første linje",
    "Skjerming tittel mappe - utvalgte ord",
    "Skjerming navn part i sak",
    "Skjerming tittel registrering - unntatt første linje",
    "Skjerming tittel registrering - utvalgte ord",
    "Skjerming navn avsender",
    "Skjerming navn mottaker",
    "Skjerming tittel dokumentbeskrivelse",
    "Skjerming merknadstekst",
    "Midlertidig skjerming",
)
SKJERMING_DOKUMENT = ("Skjerming av hele dokumentet", "Skjerming av deler av dokumentet")  # M503

# Element name -> (M number, allowed values).
CODE_LISTS: dict[str, tuple[str, frozenset[str]]] = {
    name: (number, frozenset(values))
    for name, number, values in (
        ("arkivstatus", "M050", ("Opprettet", "Avsluttet")),
        (
            "arkivdelstatus",
            "M051",
            ("Aktiv periode", "Overlappingsperiode", "Avsluttet periode", "Uaktuelle mapper"),
        ),
        ("saksstatus", "M052", ("Under behandling", "Avsluttet", "Utgår")),
        ("journalstatus", "M053", ("Journalført", "Ekspedert", "Arkivert", "Utgår")),
        ("dokumentstatus", "M054", ("Dokumentet er under redigering", "Dokumentet er ferdigstilt")),
        ("presedensstatus", "M056", ("Gjeldende", "Foreldet")),
        (
            "journalposttype",
            "M082",
            (
                "Inngående dokument",
                "Utgående dokument",
                "Organinternt dokument for oppfølging",
                "Organinternt dokument uten oppfølging",
                "Saksframlegg",
            ),
        ),
        (
            "korrespondanseparttype",
            "M087",
            (
                "Avsender",
                "Mottaker",
                "Kopimottaker",
                "Gruppemottaker",
                "Intern avsender",
                "Intern mottaker",
            ),
        ),
        (
            "slettingstype",
            "M089",
            (
                "Sletting av produksjonsformat",
                "Sletting av tidligere versjon",
                "Sletting av variant med sladdet informasjon",
            ),
        ),
        ("tilknyttetRegistreringSom", "M217", ("Hoveddokument", "Vedlegg")),
        (
            "dokumentmedium",
            "M300",
            ("Fysisk arkiv", "Elektronisk arkiv", "Blandet fysisk og elektronisk arkiv"),
        ),
        ("kassasjonsvedtak", "M450", ("Bevares", "Kasseres", "Vurderes senere")),
        ("tilgangsrestriksjon", "M500", ("Unntatt offentlighet", "Personalsaker", "Klientsaker")),
        ("skjermingMetadata", "M502", SKJERMING_METADATA),
        ("skjermingDokument", "M503", SKJERMING_DOKUMENT),
        (
            "graderingskode",
            "M506",
            (
                "Strengt hemmelig (sikkerhetsgrad)",
                "Hemmelig (sikkerhetsgrad)",
                "Konfidensielt (sikkerhetsgrad)",
                "Begrenset (sikkerhetsgrad)",
                "Fortrolig (beskyttelsesgrad)",
                "Strengt fortrolig (beskyttelsesgrad)",
            ),
        ),
        (
            "elektroniskSignaturVerifisert",
            "M508",
            ("Signatur påført, ikke verifisert", "Signatur påført og verifisert"),
        ),
        (
            "avskrivningsmaate",
            "M619",
            (
                "Besvart med brev",
                "Besvart med e-post",
                "Besvart på telefon",
                "Tatt til etterretning",
                "Tatt til orientering",
            ),
        ),
        (
            "variantformat",
            "M700",
            ("Produksjonsformat", "Arkivformat", "Dokument hvor deler av innholdet er skjermet"),
        ),
    )
}
