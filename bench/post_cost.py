"""In-process cost of posting one innspill: CPU milliseconds and SQL statements per POST.

    python bench/post_cost.py --database-url sqlite:////tmp/bench.db [--posts 300] [--profile 25]

Builds the bench consultation (bench/build.py), signs in with the test client and posts new
innspill to a median paragraph's write page, each a full request (CSRF, sign-in session,
form, submit(), journal, commit, redirect), as gunicorn would run it but in one process, so a
loaded machine shows the work done rather than the wait for a core. Prints CPU ms per POST
(best of three rounds) and the statements one POST sends; --profile N prints the N functions
with the most cumulative time, then with the most time of their own, under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import build  # noqa: E402
from run import SECRET, _csrf  # noqa: E402
from settings import BENCH_SETTINGS  # noqa: E402

from hoering import create_app  # noqa: E402
from hoering.extensions import db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions")
    args = parser.parse_args()

    site = build.build(args.database_url)
    app = create_app(
        {**BENCH_SETTINGS, "SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": SECRET}
    )
    client = app.test_client()
    login = client.get("/logg-inn").get_data(as_text=True)
    client.post(
        "/logg-inn",
        data={
            "csrf_token": _csrf(login),
            "email": site["author_email"],
            "password": site["password"],
        },
    )
    path = f"/hoeringer/{site['slug']}/{site['median_anchor']}/skriv"
    form = {"csrf_token": _csrf(client.get(path).get_data(as_text=True)), "speaker": "private"}
    sequence = iter(range(10**9))

    def post() -> None:
        body = f"Innspill nummer {next(sequence)} om dette avsnittet."
        response = client.post(path, data={**form, "body": body})
        assert response.status_code == 302, response.status_code

    for _ in range(20):
        post()  # warm: compiled templates, the translations, the connection pool

    statements: list[str] = []

    def count(conn, cursor, statement, *rest):
        statements.append(" ".join(statement.split())[:100])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    post()
    event.remove(engine, "before_cursor_execute", count)

    rounds = []
    for _ in range(3):
        started = time.process_time()
        for _ in range(args.posts):
            post()
        rounds.append((time.process_time() - started) * 1000 / args.posts)

    dialect = engine.dialect.name
    print(f"{dialect}: {min(rounds):.2f} ms CPU per POST (best of 3 x {args.posts});")
    print(f"{len(statements)} statements per POST (through a cursor; COMMIT not counted):")
    for statement in statements:
        print("   ", statement)

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.posts):
            post()
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)
    engine.dispose()


if __name__ == "__main__":
    main()
