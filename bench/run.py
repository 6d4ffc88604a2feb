"""Measure Høring at national scale and print a markdown table with the floors beside it.

    python bench/run.py --database-url sqlite:////tmp/bench.db
    python bench/run.py --database-url postgresql+psycopg://postgres@127.0.0.1/hoering_bench

Builds the bench consultation (bench/build.py), counts SQL queries per page in-process, serves
it with gunicorn (2 workers, gunicorn.conf.py) on 127.0.0.1 and measures with wrk (bounded
runs): the draft page, a median paragraph's page and the busiest paragraph's page (first 20
innspill each), posting an innspill (wrk with a Lua script: signed in, CSRF token, a new text
each time; journaled innspill/s counted in the database), and two floors: a Flask endpoint
returning the same number of bytes from memory, and a bare one-row insert transaction.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import build  # noqa: E402
from settings import BENCH_SETTINGS  # noqa: E402

from hoering import create_app  # noqa: E402
from hoering.extensions import db  # noqa: E402
from hoering.journal.models import JournalEntry  # noqa: E402
from hoering.submissions.models import Submission  # noqa: E402
from tests.production.conftest import Browser  # noqa: E402

SECRET = "bench-secret-key"  # noqa: S105 - a throwaway bench server on 127.0.0.1
WRK = "/usr/bin/wrk"
GUNICORN = (sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--pythonpath", "bench")
LOG_DIR = Path(tempfile.gettempdir())


def pages(site: dict) -> dict[str, str]:
    slug = site["slug"]
    return {
        "draft page (300 paragraphs with counts)": f"/hoeringer/{slug}/",
        f"paragraph page, median ({site['median_count']} innspill)": (
            f"/hoeringer/{slug}/{site['median_anchor']}"
        ),
        f"paragraph page, busiest ({site['busiest_count']} innspill)": (
            f"/hoeringer/{slug}/{site['busiest_anchor']}"
        ),
    }


def count_queries(url: str, site: dict) -> tuple[dict[str, tuple[int, int]], int]:
    """(queries, bytes) per page for an anonymous visitor, and queries for one post."""
    app = create_app({**BENCH_SETTINGS, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    figures = {}
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN")):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    # Requests run without an outer app context, as under gunicorn (no `g` shared between them).
    event.listen(engine, "before_cursor_execute", count)
    client = app.test_client()
    for name, path in pages(site).items():
        client.get(path)  # warm
        statements.clear()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        figures[name] = (len(statements), len(response.get_data()))
    page = client.get("/logg-inn").get_data(as_text=True)
    client.post(
        "/logg-inn",
        data={
            "csrf_token": _csrf(page),
            "email": site["author_email"],
            "password": site["password"],
        },
    )
    path = f"/hoeringer/{site['slug']}/{site['median_anchor']}/skriv"
    form = {"csrf_token": _csrf(client.get(path).get_data(as_text=True)), "speaker": "private"}
    statements.clear()
    response = client.post(path, data={**form, "body": "Et innspill talt i benken."})
    assert response.status_code == 302, response.status_code
    post_queries = len(statements)
    event.remove(engine, "before_cursor_execute", count)
    engine.dispose()
    return figures, post_queries


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def bare_inserts(url: str, seconds: float) -> float:
    """One-row insert transactions per second, one process, on the same database and driver."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        engine = db.engine
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS bench_floor"))
            connection.execute(text("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, body TEXT)"))
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            with engine.begin() as connection:
                connection.execute(
                    text("INSERT INTO bench_floor (id, body) VALUES (:id, :body)"),
                    {"id": done + 1, "body": "Et innspill."},
                )
            done += 1
        rate = done / (time.perf_counter() - started)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE bench_floor"))
        engine.dispose()
    return rate


def serve(url: str, port: int, redis_url: str | None, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOERING_")}
    env.update(
        HOERING_ENV="production",
        HOERING_SECRET_KEY=SECRET,
        HOERING_SECURE_COOKIES="0",
        HOERING_DATABASE_URL=url,
        HOERING_BIND=f"127.0.0.1:{port}",
        HOERING_WORKERS="2",
        HOERING_LOG_LEVEL="warning",
    )
    if redis_url:
        env["HOERING_REDIS_URL"] = redis_url
    server = subprocess.Popen(
        [*GUNICORN, "bench_app:app"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            if Browser(port).get("/readyz").status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the bench server did not become ready")


def wrk(url: str, seconds: int, connections: int, script: str = "report.lua", env=None) -> dict:
    command = [WRK, "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(ROOT / "bench" / script)]
    output = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        env={**os.environ, "BENCH_REPORTER": str(ROOT / "bench" / "report.lua"), **(env or {})},
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure(url: str, args) -> str:
    site = build.build(url)
    figures, post_queries = count_queries(url, site)
    insert_rate = bare_inserts(url, 5)
    base = f"http://127.0.0.1:{args.port}"
    server = serve(url, args.port, args.redis_url, LOG_DIR / f"hoering-bench-{args.port}.log")
    rows = []
    try:
        for name, path in pages(site).items():
            queries, size = figures[name]
            wrk(base + path, 2, args.connections)  # warm up: fresh workers render their caches
            ours = wrk(base + path, args.seconds, args.connections)
            floor = wrk(f"{base}/_bench/floor/{size}", args.seconds, args.connections)
            rows.append((name, size, queries, ours, floor))
        browser = Browser(args.port)
        browser.login(site["author_email"], site["password"])
        path = f"/hoeringer/{site['slug']}/{site['median_anchor']}/skriv"
        tokens = browser.form_tokens(path)
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        before = _count(url)
        started = time.perf_counter()
        posted = wrk(
            base + path,
            args.seconds,
            args.connections,
            "post.lua",
            {"BENCH_COOKIE": cookie, "BENCH_CSRF": tokens["csrf_token"], "BENCH_POST_PATH": path},
        )
        elapsed = time.perf_counter() - started
        after = _count(url)
    finally:
        server.terminate()
        server.wait(timeout=30)
    journaled = (after[0] - before[0]) / elapsed
    assert after[0] - before[0] == after[1] - before[1], "an innspill without its journal entry"
    dialect = url.split(":")[0].split("+")[0]
    lines = [
        f"**{dialect}** — 300 paragraphs, {20_000:,} innspill (busiest {site['busiest_count']:,},"
        f" median {site['median_count']}); gunicorn 2 sync workers; wrk -t1"
        f" -c{args.connections} -d{args.seconds}s on 127.0.0.1",
        "",
        "| what | bytes | SQL queries | req/s | p50 ms | p95 ms "
        "| floor req/s | floor p50 | floor p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, size, queries, ours, floor in rows:
        lines.append(
            f"| {name} | {size:,} | {queries} | {ours['rps']:.0f} | {ours['p50_ms']:.1f} "
            f"| {ours['p95_ms']:.1f} | {floor['rps']:.0f} | {floor['p50_ms']:.1f} "
            f"| {floor['p95_ms']:.1f} |"
        )
    lines.append(
        f"| post an innspill (journaled/s, counted in the database) | – | {post_queries} "
        f"| {journaled:.0f} | {posted['p50_ms']:.1f} | {posted['p95_ms']:.1f} "
        f"| {insert_rate:.0f} (bare insert tx/s, 1 process) | – | – |"
    )
    lines.append("")
    lines.append(
        f"Database built in {site['build_seconds']} s; wrk errors: {posted['errors']},"
        f" non-2xx/3xx on posting: {posted['non_2xx_3xx']}."
    )
    return "\n".join(lines)


def _count(url: str) -> tuple[int, int]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        counts = (
            db.session.scalar(select(func.count()).select_from(Submission)),
            db.session.scalar(select(func.count()).select_from(JournalEntry)),
        )
        db.session.remove()
        db.engine.dispose()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", action="append", required=True)
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--port", type=int, default=5130)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    tables = [measure(url, args) for url in args.database_url]
    print("\n\n".join(tables))


if __name__ == "__main__":
    main()
