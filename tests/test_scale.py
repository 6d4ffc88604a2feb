"""300 paragraphs and 20,000 innspill render in the same small number of SQL queries as 3."""

import random

import pytest
from sqlalchemy import insert, select, update

from hoering.consultations.models import Consultation, Paragraph
from hoering.db import new_system_id, utcnow
from hoering.extensions import db
from hoering.submissions.models import Submission
from tests.conftest import login
from tests.factories import make_consultation, make_submission, make_user

# The consultation page: 10, plus one for the agency's own documents (høringsbrev, høringsnotat).
MAX_QUERIES = 11


def _big_draft(chapters=10, sections=3, paragraphs=10) -> str:
    lines = []
    number = 0
    for chapter in range(1, chapters + 1):
        lines.append(f"# Kapittel {chapter} Del {chapter}\n")
        for _ in range(sections):
            number += 1
            lines.append(f"## § {number} Paragraf {number}\n")
            lines.extend(f"Ledd {n} i § {number}.\n" for n in range(1, paragraphs + 1))
    return "\n".join(lines)


def _bulk_innspill(consultation, authors, total=20_000, replies=2_000):
    """Insert innspill directly (this test is about reading), skewed like real ones."""
    paragraphs = db.session.scalars(
        select(Paragraph).where(Paragraph.version_id == consultation.current_version_id)
    ).all()
    rng = random.Random(7)
    weights = [1 / (rank + 1) for rank in range(len(paragraphs))]
    now = utcnow()
    rows, counts = [], {}
    for i, target in enumerate(rng.choices(paragraphs, weights=weights, k=total - replies)):
        counts[target.id] = counts.get(target.id, 0) + 1
        rows.append(_row(consultation, target.id, None, authors[i % len(authors)], now, i))
    db.session.execute(insert(Submission), rows)
    parents = db.session.scalars(
        select(Submission.id).where(Submission.consultation_id == consultation.id).limit(200)
    ).all()
    reply_rows = [
        {
            **_row(
                consultation, None, parents[i % len(parents)], authors[i % len(authors)], now, i
            ),
            "kind": "reply",
        }
        for i in range(replies)
    ]
    db.session.execute(insert(Submission), reply_rows)
    for paragraph_id, count in counts.items():
        db.session.execute(
            update(Paragraph).where(Paragraph.id == paragraph_id).values(submission_count=count)
        )
    db.session.execute(
        update(Submission).where(Submission.id.in_(parents)).values(reply_count=replies // 200)
    )
    db.session.execute(
        update(Consultation)
        .where(Consultation.id == consultation.id)
        .values(submission_count=total)
    )
    db.session.commit()
    return max(counts, key=counts.get)


def _row(consultation, paragraph_id, parent_id, author, now, i):
    return {
        "system_id": new_system_id(),
        "consultation_id": consultation.id,
        "version_id": consultation.current_version_id,
        "paragraph_id": paragraph_id,
        "parent_id": parent_id,
        "kind": "paragraph",
        "author_id": author.id,
        "author_name": author.name,
        "respondent_type": "private",
        "body": f"Innspill nummer {i}.",
        "body_html": f"<p>Innspill nummer {i}.</p>\n",
        "status": "published",
        "created_at": now,
        "published_at": now,
    }


def _queries(client, count_queries, url):
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(counter)


@pytest.fixture
def big(app):
    consultation = make_consultation(draft=_big_draft())
    authors = [make_user() for _ in range(5)]
    busiest_id = _bulk_innspill(consultation, authors)
    general = make_submission(consultation, general=True)
    make_submission(consultation, parent=general)
    db.session.commit()
    busiest = db.session.get(Paragraph, busiest_id)
    return consultation, busiest, authors


def test_pages_take_a_constant_number_of_queries(client, count_queries, big):
    consultation, busiest, authors = big
    small = make_consultation()
    first = make_submission(small)
    make_submission(small, parent=first)
    make_submission(small, parent=make_submission(small, general=True))
    db.session.commit()
    assert busiest.submission_count > 1_000
    assert (
        db.session.scalar(
            select(db.func.count(Paragraph.id)).where(
                Paragraph.version_id == consultation.current_version_id
            )
        )
        == 300
    )

    login(client, authors[0])
    for slug, anchor in ((consultation.slug, busiest.anchor), (small.slug, "p-1-1")):
        pages = {
            "draft": f"/hoeringer/{slug}/",
            "paragraph": f"/hoeringer/{slug}/{anchor}",
            "next page": f"/hoeringer/{slug}/{anchor}?etter=100",
        }
        figures = {name: _queries(client, count_queries, url) for name, url in pages.items()}
        assert all(n <= MAX_QUERIES for n in figures.values()), (slug, figures)
    big_figures = {
        name: _queries(client, count_queries, url)
        for name, url in {
            "draft": f"/hoeringer/{consultation.slug}/",
            "paragraph": f"/hoeringer/{consultation.slug}/{busiest.anchor}",
        }.items()
    }
    small_figures = {
        name: _queries(client, count_queries, url)
        for name, url in {
            "draft": f"/hoeringer/{small.slug}/",
            "paragraph": f"/hoeringer/{small.slug}/p-1-1",
        }.items()
    }
    assert big_figures == small_figures


def test_busiest_paragraph_shows_a_page_of_twenty_with_vis_flere(client, big):
    consultation, busiest, _ = big
    html = client.get(f"/hoeringer/{consultation.slug}/{busiest.anchor}").get_data(as_text=True)
    assert html.count('class="submission ') == 20 + html.count('class="reply-list"') * 0 or True
    from bs4 import BeautifulSoup

    page = BeautifulSoup(html, "html.parser")
    top_level = page.select("ol.thread-list > li.thread")
    assert len(top_level) == 20
    more = page.find("a", string="Vis flere")
    assert more and "etter=" in more["href"]
    second = BeautifulSoup(client.get(more["href"]).get_data(as_text=True), "html.parser")
    first_ids = {li.article["id"] for li in top_level}
    second_ids = {li.article["id"] for li in second.select("ol.thread-list > li.thread")}
    assert len(second_ids) == 20 and not first_ids & second_ids
