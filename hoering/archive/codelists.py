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

# M701 format: PRONOM identifiers with the file extensions PRONOM lists for each (`archive
# check` N5.29). ARCHIVE_FORMATS are those riksarkivarens forskrift § 5-17 accepts as archive
# formats; the others are production formats Høring receives (plain PDF, Word 97-2003).
_PDF_A = ("fmt/95", "fmt/354", "fmt/476", "fmt/477", "fmt/478", "fmt/479", "fmt/480", "fmt/481")
_HTML = ("fmt/96", "fmt/97", "fmt/98", "fmt/99", "fmt/100", "fmt/471", "fmt/102", "fmt/103")
_ODF = {
    ("odt", "ott"): ("fmt/136", "fmt/290", "fmt/291", "fmt/1756"),
    ("ods", "ots"): ("fmt/137", "fmt/294", "fmt/295"),
    ("odp", "otp"): ("fmt/138", "fmt/292", "fmt/293", "fmt/1754"),
}
_JPEG = ("jpg", "jpeg", "jpe", "jif", "jfif", "jfi")
_ARCHIVE: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(_PDF_A, ("pdf",)),
    **dict.fromkeys(_HTML, ("htm", "html")),
    **{puid: extensions for extensions, puids in _ODF.items() for puid in puids},
    **dict.fromkeys(("x-fmt/111", "x-fmt/16"), ("txt",)),
    **dict.fromkeys(("fmt/101", "fmt/1776"), ("xml",)),
    **dict.fromkeys(("fmt/42", "fmt/43", "fmt/44"), _JPEG),
    **dict.fromkeys(("fmt/11", "fmt/12", "fmt/13"), ("png",)),
    **dict.fromkeys(("fmt/141", "fmt/142", "fmt/143"), ("wav", "wave")),
    "fmt/353": ("tif", "tiff"),
    "x-fmt/392": ("jp2",),
    "fmt/412": ("docx",),
    "fmt/214": ("xlsx",),
    "fmt/215": ("pptx",),
    "x-fmt/18": ("csv",),
    "fmt/817": ("json",),
    "x-fmt/265": ("tar",),
    "x-fmt/263": ("zip",),
    "fmt/134": ("mp3",),
    "fmt/279": ("flac",),
}
_PDF = ("fmt/14", "fmt/15", "fmt/16", "fmt/17", "fmt/18", "fmt/19", "fmt/20", "fmt/276", "fmt/1129")
ARCHIVE_FORMATS = frozenset(_ARCHIVE)
FORMAT_EXTENSIONS: dict[str, tuple[str, ...]] = {
    **_ARCHIVE,
    **dict.fromkeys(_PDF, ("pdf",)),
    "fmt/40": ("doc",),
}
