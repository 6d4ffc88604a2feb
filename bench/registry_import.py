"""Benchmark `flask organisations import`: wall time and peak memory for a bulk file of enheter.

    .venv/bin/python bench/registry_import.py [--entities 200000] [--database-url URL]

Writes a gzipped JSON array of --entities entities shaped like Brønnøysundregistrene's bulk file
(the real one holds about 1.1 million), then runs the import as `flask organisations import` in a
fresh child process on a fresh database (SQLite in a temporary folder unless --database-url names
an empty database), twice: a first load and a refresh. Peak RSS shows the file is streamed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "hoering"]


def organisation_numbers():
    """Valid organisation numbers (mod 11 with weights 3 2 7 6 5 4 3 2), in order."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    base = 800_000_000
    while True:
        base += 10
        digits = [int(c) for c in str(base)[:8]]
        rest = sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
        check = 0 if rest == 0 else 11 - rest
        if check != 10:
            yield "".join(map(str, digits)) + str(check)


def write_file(path: Path, count: int) -> None:
    numbers = organisation_numbers()
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("[")
        for n in range(count):
            entity = {
                "organisasjonsnummer": next(numbers),
                "navn": f"BENK ENHET {n}",
                "organisasjonsform": {"kode": ("AS", "FLI", "ENK", "KOMM")[n % 4],
                                      "beskrivelse": "Benk"},
                "registreringsdatoEnhetsregisteret": "2020-01-01",
                "forretningsadresse": {"land": "Norge", "postnummer": "0150", "poststed": "OSLO",
                                       "adresse": ["Benkveien 1"]},
                "konkurs": n % 97 == 0,
                "underAvvikling": False,
                "underTvangsavviklingEllerTvangsopplosning": False,
            }  # fmt: skip
            out.write(("," if n else "") + json.dumps(entity, ensure_ascii=False))
        out.write("]")


def run(command: list[str], env: dict) -> dict:
    probe = (
        "import json, resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "wall = time.perf_counter() - start\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps({'code': done.returncode, 'wall': wall, 'out': done.stdout.strip(),"
        " 'err': done.stderr[-500:], 'maxrss_mb': u.ru_maxrss / 1024}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *command], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=200_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-registry-"))
    env = {
        **os.environ,
        "HOERING_INSTANCE_DIR": str(work),
        "HOERING_DATABASE_URL": args.database_url or f"sqlite:///{work / 'bench.db'}",
    }
    path = work / "enheter_alle.json.gz"
    start = time.perf_counter()
    write_file(path, args.entities)
    print(f"wrote {args.entities} entities in {time.perf_counter() - start:.1f} s "
          f"({path.stat().st_size / 1e6:.1f} MB gzipped)")  # fmt: skip
    subprocess.run([*FLASK, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=ROOT)
    for label in ("first load", "refresh"):
        result = run([*FLASK, "organisations", "import", str(path)], env)
        if result["code"] != 0:
            sys.exit(f"import failed: {result['err']}")
        rate = args.entities / result["wall"]
        print(f"{label}: {result['wall']:.1f} s, {rate:,.0f} entities/s, "
              f"peak RSS {result['maxrss_mb']:.0f} MB — {result['out']}")  # fmt: skip


if __name__ == "__main__":
    main()
