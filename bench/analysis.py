"""Bench the case officer's workspace: grouping quality, campaign detection at scale, one
arriving innspill, and the behandling and overview pages.

    python bench/analysis.py                      # all, on a fresh SQLite file
    python bench/analysis.py --database-url postgresql+psycopg://postgres@127.0.0.1/analysis_bench
    python bench/analysis.py --innspill 20000     # a smaller detection run

The pages and the arriving innspill are measured on a consultation of --page-innspill (20,000,
the issue's figure); detection on one of --innspill (100,000).

Detection runs in a child process of its own, so its peak memory (max RSS) is detection's
alone. The innspill are bulk-inserted (this is about reading and grouping; they get no journal
entries). The floors from the issue are printed beside each figure.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from hoering import create_app  # noqa: E402
from hoering.accounts import services as accounts  # noqa: E402
from hoering.accounts.models import ROLE_CASE_OFFICER, Agency  # noqa: E402
from hoering.analysis import campaigns, detect  # noqa: E402
from hoering.analysis.models import Campaign  # noqa: E402
from hoering.consultations import services as consultations  # noqa: E402
from hoering.consultations.models import MODE_REACTIVE, Consultation  # noqa: E402
from hoering.db import new_system_id, utcnow  # noqa: E402
from hoering.extensions import db  # noqa: E402
from hoering.submissions.models import Submission  # noqa: E402
from tests.analysis.corpus import make_corpus, pair_scores  # noqa: E402
from tests.conftest import csrf_from  # noqa: E402

SLUG = "analysebenk"
PASSWORD = "benk-passord-2026"  # noqa: S105 - a throwaway bench database


def make_app(database_url: str):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench-secret",
            "SERVER_NAME": "bench.test",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "TESTING": True,
        }
    )


def quality() -> dict:
    """Pairwise precision and recall on the tests' generated corpus (several seeds)."""
    figures = {}
    for seed in (9, 10, 11):
        corpus = make_corpus(letters=5, copies=200, organic=500, seed=seed)
        texts = {i: detect.normalize(t) for i, t in enumerate(corpus.texts)}
        found: list[int | None] = [None] * len(corpus.texts)
        for number, group in enumerate(detect.group(texts)):
            for key in group.members:
                found[key] = number
        figures[seed] = pair_scores(corpus.truth, found)
    return figures


def build(database_url: str, total: int) -> None:
    """A consultation with `total` innspill, 20 % of them copies of form letters."""
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        if db.session.scalar(select(Consultation.id).where(Consultation.slug == SLUG)):
            return
        agency = Agency(slug="benk", name="Benkdirektoratet", org_number="974760673")
        db.session.add(agency)
        officer = accounts.create_user("benk@example.no", "Bente Benk", PASSWORD)
        accounts.grant_role(officer, ROLE_CASE_OFFICER, agency)
        author = accounts.create_user("avsender@example.no", "Ola Avsender", PASSWORD)
        now = utcnow()
        consultation = consultations.create_consultation(
            agency,
            consultations.ConsultationData(
                title="Analysebenk",
                summary="",
                case_number="2026/4242",
                opens_at=now - timedelta(days=30),
                deadline=now + timedelta(days=30),
                moderation_mode=MODE_REACTIVE,
                expectations="",
            ),
            by=officer,
            now=now - timedelta(days=31),
        )
        consultation.slug = SLUG
        consultations.publish_draft_version(
            consultation, "# Kap 1\n\n## § 1 A\n\nTekst.\n", by=officer
        )
        consultations.publish_consultation(consultation, now=now - timedelta(days=30))
        db.session.flush()
        letters = max(1, total // 5000)
        corpus = make_corpus(
            letters=letters, copies=total // 5 // letters, organic=total - total // 5, seed=42
        )
        rows = [
            {
                "system_id": new_system_id(),
                "consultation_id": consultation.id,
                "version_id": consultation.current_version_id,
                "kind": "general",
                "author_id": author.id,
                "author_name": author.name,
                "respondent_type": "private",
                "body": body,
                "status": "published",
                "created_at": now,
                "published_at": now,
            }
            for body in corpus.texts
        ]
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(Submission), rows[start : start + 5000])
        db.session.commit()


def detect_child(database_url: str) -> None:
    """Run in its own process: detect, commit, print seconds and peak memory as JSON."""
    app = make_app(database_url)
    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))
        started = time.perf_counter()
        found = campaigns.detect_campaigns(consultation)
        db.session.commit()
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "campaigns": len(found)}))


def incremental(database_url: str, arrivals: int = 50) -> list[float]:
    """Milliseconds to place each arriving innspill (a copy of a letter, or an organic one)."""
    app = make_app(database_url)
    timings = []
    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == SLUG))
        template = db.session.scalar(
            select(Submission.body).join(Campaign, Campaign.template_id == Submission.id).limit(1)
        )
        organic = make_corpus(letters=1, copies=1, organic=arrivals, seed=7).texts
        author_id = db.session.scalar(select(Submission.author_id).limit(1))
        for n in range(arrivals):
            body = f"Hei nr. {n}!\n\n{template}" if n % 2 else organic[n]
            submission = Submission(
                consultation_id=consultation.id,
                kind="general",
                author_id=author_id,
                author_name="Ny avsender",
                respondent_type="private",
                body=body,
                status="published",
            )
            db.session.add(submission)
            db.session.flush()
            started = time.perf_counter()
            campaigns.assign(submission)
            timings.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    return timings


def pages(database_url: str, seconds: float = 5.0) -> dict[str, float]:
    """Requests per second, in process (one client, no network), for the officer's pages."""
    app = make_app(database_url)
    results = {}
    with app.app_context():
        client = app.test_client()
        token = csrf_from(client.get("/logg-inn").get_data(as_text=True))
        client.post(
            "/logg-inn",
            data={"email": "benk@example.no", "password": PASSWORD, "csrf_token": token},
        )
        base = f"/admin/hoeringer/{SLUG}"
        for name, url in {
            "behandling": f"{base}/behandling",
            "behandling, campaign filter": f"{base}/behandling?kampanje=ja",
            "behandling, text search": f"{base}/behandling?q=kommune",
            "overview": f"{base}/oversikt",
        }.items():
            assert client.get(url).status_code == 200, url
            count, started = 0, time.perf_counter()
            while time.perf_counter() - started < seconds:
                client.get(url)
                count += 1
            results[name] = count / (time.perf_counter() - started)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--innspill", type=int, default=100_000)
    parser.add_argument("--page-innspill", type=int, default=20_000)
    parser.add_argument("--detect-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='analysis-bench-')}/b.db"
    if args.detect_child:
        detect_child(url)
        return
    page_url = f"sqlite:///{tempfile.mkdtemp(prefix='analysis-bench-pages-')}/p.db"
    if args.database_url:
        page_url = url if args.page_innspill == args.innspill else None

    print("## Grouping quality (pairwise, generated corpus; floors: precision 0.95, recall 0.90)")
    for seed, (precision, recall) in quality().items():
        print(f"- seed {seed}: precision {precision:.3f}, recall {recall:.3f}")

    started = time.perf_counter()
    build(url, args.innspill)
    print(f"\nBuilt {args.innspill} innspill in {time.perf_counter() - started:.0f} s ({url})")
    child = subprocess.run(
        [sys.executable, __file__, "--detect-child", "--database-url", url],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"\n## Detection over {args.innspill} innspill, 20 % in campaigns (floors: 60 s, 1 GB)")
    print(
        f"- {figures['seconds']:.1f} s wall, peak memory {figures['peak_mb']:.0f} MB, "
        f"{figures['campaigns']} campaigns"
    )

    if page_url is None:
        print("\n(pages and arrivals: give --page-innspill equal to --innspill with a URL)")
        return
    if page_url != url:
        build(page_url, args.page_innspill)
        subprocess.run(
            [sys.executable, __file__, "--detect-child", "--database-url", page_url],
            capture_output=True,
            check=True,
        )
    timings = incremental(page_url)
    print(f"\n## One arriving innspill placed, {args.page_innspill} innspill (floor: 50 ms)")
    print(
        f"- median {statistics.median(timings):.1f} ms, "
        f"p95 {sorted(timings)[int(len(timings) * 0.95) - 1]:.1f} ms, max {max(timings):.1f} ms"
    )

    print(f"\n## Pages at {args.page_innspill} innspill, in process (one client)")
    for name, rate in pages(page_url).items():
        print(f"- {name}: {rate:.1f} req/s")


if __name__ == "__main__":
    main()
