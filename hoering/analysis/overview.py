"""The overview of a consultation's innspill: per paragraph, by invited consultee, per day, by
campaign and by theme. The same figures feed the page, the CSV and the JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import distinct, func, select

from hoering.analysis.models import CampaignMember, Theme, ThemeTag
from hoering.consultations.models import Consultation, Consultee, Paragraph
from hoering.extensions import db
from hoering.submissions.models import KIND_REPLY, POSITIONS, RESPONDENT_TYPES, Submission

POSITION_KEYS = (*POSITIONS, "none")
HEAT_LEVELS = 4


@dataclass
class ParagraphFigures:
    anchor: str
    label: str
    text: str
    total: int = 0
    positions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(POSITION_KEYS, 0))
    respondents: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESPONDENT_TYPES, 0))
    heat: int = 0  # 0..HEAT_LEVELS, for shading; the numbers are always shown too


@dataclass
class Overview:
    paragraphs: list[ParagraphFigures]
    general: int
    consultees: list[tuple[str, str]]  # (name, answered / no_comments / none)
    days: list[tuple[date, int]]
    total: int
    in_campaigns: int
    campaigns: int
    themes: list[tuple[str, int]]

    @property
    def distinct_texts(self) -> int:
        """Innspill outside campaigns, plus one per campaign."""
        return self.total - self.in_campaigns + self.campaigns

    @property
    def busiest_day(self) -> int:
        return max((n for _d, n in self.days), default=0)

    def as_dict(self) -> dict:
        return {
            "paragraphs": [
                {
                    "anchor": p.anchor,
                    "label": p.label,
                    "total": p.total,
                    "positions": p.positions,
                    "respondent_types": p.respondents,
                }
                for p in self.paragraphs
            ],
            "general": self.general,
            "consultees": [{"name": n, "answer": a} for n, a in self.consultees],
            "per_day": [{"date": d.isoformat(), "innspill": n} for d, n in self.days],
            "campaigns": {
                "innspill": self.total,
                "in_campaigns": self.in_campaigns,
                "campaigns": self.campaigns,
                "distinct_texts": self.distinct_texts,
            },
            "themes": [{"name": n, "innspill": c} for n, c in self.themes],
        }

    def rows(self) -> list[tuple[str, str, str, object]]:
        """The figures in long form (table, item, measure, value), for a CSV."""
        rows: list[tuple[str, str, str, object]] = []
        for p in self.paragraphs:
            rows.append(("paragraph", p.anchor, "total", p.total))
            rows += [("paragraph", p.anchor, f"position:{k}", v) for k, v in p.positions.items()]
            rows += [
                ("paragraph", p.anchor, f"respondent:{k}", v) for k, v in p.respondents.items()
            ]
        rows.append(("general", "", "total", self.general))
        rows += [("consultee", name, "answer", answer) for name, answer in self.consultees]
        rows += [("day", d.isoformat(), "innspill", n) for d, n in self.days]
        for key, value in self.as_dict()["campaigns"].items():
            rows.append(("campaigns", "", key, value))
        rows += [("theme", name, "innspill", n) for name, n in self.themes]
        return rows


def _label(paragraph: Paragraph) -> str:
    section = paragraph.section
    return f"{section.number or section.title} ({paragraph.anchor})"


def compute(consultation: Consultation) -> Overview:
    """Every figure in six queries, whatever the number of innspill."""
    paragraphs = db.session.scalars(
        select(Paragraph)
        .where(Paragraph.version_id == consultation.current_version_id)
        .order_by(Paragraph.position)
    ).all()
    figures = {p.anchor: ParagraphFigures(p.anchor, _label(p), p.text) for p in paragraphs}
    top_level = (Submission.consultation_id == consultation.id, Submission.kind != KIND_REPLY)
    general = 0
    # Innspill on an older version count for the paragraph with the same anchor today.
    for anchor, position, respondent, count in db.session.execute(
        select(Paragraph.anchor, Submission.position, Submission.respondent_type, func.count())
        .select_from(Submission)
        .outerjoin(Paragraph, Paragraph.id == Submission.paragraph_id)
        .where(*top_level)
        .group_by(Paragraph.anchor, Submission.position, Submission.respondent_type)
    ):
        if anchor is None:
            general += count
            continue
        target = figures.get(anchor)
        if target is None:
            continue
        target.total += count
        target.positions[position or "none"] += count
        target.respondents[respondent] = target.respondents.get(respondent, 0) + count
    busiest = max((f.total for f in figures.values()), default=0)
    for f in figures.values():
        f.heat = -(-f.total * HEAT_LEVELS // busiest) if busiest else 0
    consultees = [
        (name, response or "none")
        for name, response in db.session.execute(
            select(Consultee.name, Consultee.response)
            .where(Consultee.consultation_id == consultation.id)
            .order_by(Consultee.name)
        )
    ]
    day = func.date(Submission.created_at)
    days = [
        (value if isinstance(value, date) else date.fromisoformat(value), n)
        for value, n in db.session.execute(
            select(day, func.count()).where(*top_level).group_by(day).order_by(day)
        )
    ]
    total, in_campaigns, campaigns = db.session.execute(
        select(
            func.count(Submission.id),
            func.count(CampaignMember.campaign_id),
            func.count(distinct(CampaignMember.campaign_id)),
        )
        .outerjoin(CampaignMember, CampaignMember.submission_id == Submission.id)
        .where(*top_level)
    ).one()
    themes = list(
        db.session.execute(
            select(Theme.name, func.count(distinct(ThemeTag.submission_id)))
            .outerjoin(ThemeTag, ThemeTag.theme_id == Theme.id)
            .where(Theme.consultation_id == consultation.id)
            .group_by(Theme.id, Theme.name)
            .order_by(Theme.name)
        )
    )
    return Overview(
        paragraphs=list(figures.values()),
        general=general,
        consultees=consultees,
        days=days,
        total=total,
        in_campaigns=in_campaigns,
        campaigns=campaigns,
        themes=[(name, n) for name, n in themes],
    )


CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 640, 200, 24


@dataclass
class Bar:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float


def day_chart(days: list[tuple[date, int]]) -> list[Bar]:
    """Bars for an SVG drawn on the server: one per day with innspill, scaled to the busiest."""
    if not days:
        return []
    busiest = max(n for _d, n in days)
    slot = (CHART_WIDTH - CHART_MARGIN) / len(days)
    usable = CHART_HEIGHT - CHART_MARGIN
    bars = []
    for index, (day, count) in enumerate(days):
        height = usable * count / busiest
        bars.append(
            Bar(
                day=day,
                count=count,
                x=round(CHART_MARGIN + index * slot + slot * 0.1, 1),
                y=round(usable - height, 1),
                width=round(max(slot * 0.8, 1), 1),
                height=round(height, 1),
            )
        )
    return bars
