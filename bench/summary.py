"""One table of every benchmark's last results, each against its target.

`make bench` ends here: it reads what `bench.documents`, `bench.feeds`, `bench.pages` (and
`pages-postgresql`, when it was run with TRACKER_DATABASE_URL) and `bench.load` wrote in
`bench/results/`, prints one table, and writes it as `bench/results/summary.json`.

Targets (issue #20, stricter than #9's): a logged-in page within 3x its floor on SQLite and 2x on
PostgreSQL, the public page and its JSON within 1.5x; a feed of 1,000 items within 1.3x its
floor (both floors: `icalendar`'s objects and plain string joining); a repeated fetch answered
304 in under a hundredth of a full feed's time; under load, no errors and a worker under 120 MB;
a plan of 5,000 rows imported from CSV, XLSX and DOCX within 5 s each (issue #18); and, when
`make bench-peers` has run, its targets beside Redmine and Radicale (`bench.peers.table`). The
documents have no target; their ratio says what the office form costs on top of python-docx.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.common import RESULTS, print_table

PAGE_TARGET = 3.0  # a logged-in page on SQLite
PAGE_TARGET_POSTGRESQL = 2.0
PUBLIC_TARGET = 1.5  # the public page and its JSON, either database
FEED_TARGET = 1.3
POLL_TARGET = 0.01
WORKER_MB = 120
BIG_PLAN_PAGE = 2.0  # the first page of a 5,000-task plan beside a 100-task plan's
LOGIN_UNDER_ATTACK = 1.5  # the owner's login beside an unattacked one's (issue #19)
IMPORT_SECONDS = 5.0  # a plan of 5,000 rows imported from each kind of file (issue #18)


def target_of(benchmark: str, row: dict) -> float | None:
    """The ratio a row must stay under, or None when it has none."""
    name = row["name"]
    if benchmark.startswith("pages"):
        if row.get("page") == "feed":
            return FEED_TARGET
        if row.get("page") == "docx" or "n" not in row:
            return None  # documents and commands: measured, no target
        if str(row.get("page", "")).startswith("public"):
            return PUBLIC_TARGET
        return PAGE_TARGET_POSTGRESQL if benchmark == "pages-postgresql" else PAGE_TARGET
    if benchmark == "feeds":
        if name.startswith("304"):
            return POLL_TARGET
        return FEED_TARGET if name.startswith("full request") else None
    if benchmark == "login_attack":
        return LOGIN_UNDER_ATTACK
    if benchmark == "plan_pages":
        return BIG_PLAN_PAGE
    return None


def rows_of(results: Path) -> list[dict]:
    rows = []
    for path in sorted(results.glob("*.json")):
        if path.name == "summary.json":
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        benchmark = document.get("benchmark", path.stem)
        database = document.get("machine", {}).get("database", "sqlite")
        if benchmark == "load":
            rows.append(
                {
                    "benchmark": f"load ({database})",
                    "name": f"{document['schools']} schools, {document['connections']} "
                    f"connections: {document['rps']} req/s, p99 {document['p99_ms']} ms, "
                    f"{document['errors']} errors, worker {document['peak_worker_mb']} MB",
                    "met": document["errors"] == 0 and document["peak_worker_mb"] < WORKER_MB,
                }
            )
            continue
        if benchmark == "peers":  # bench.peers.table: judged there, on requests per second
            rows += [
                {"benchmark": "peers", "name": row["name"], "ratio": round(row["ratio"], 2)}
                | {"target": row["target"], "met": row["met"]}
                for row in document["rows"]
            ]
            continue
        for row in document["rows"]:
            target: float | str | None = target_of(benchmark, row) if row.get("floor_s") else None
            met = None if target is None else row["ratio"] <= float(target)
            if "within" in row:  # a target in seconds, not a ratio (the plan import's 5 s)
                target, met = f"{IMPORT_SECONDS:.0f} s", row["within"] == "yes"
            rows.append(
                {
                    "benchmark": path.stem,
                    "name": row["name"],
                    "ours_ms": round(row["ours_s"] * 1000, 2),
                    "floor_ms": round(row["floor_s"] * 1000, 2) if row.get("floor_s") else None,
                    "ratio": round(row["ratio"], 3) if row.get("floor_s") else None,
                    "target": target,
                    "met": met,
                }
            )
    return rows


def main(results: Path = RESULTS) -> list[dict]:
    rows = rows_of(results)
    if not rows:
        print(f"No results in {results}: run `make bench` first.")
        return rows

    def mark(met: bool | None) -> str:
        return "—" if met is None else ("yes" if met else "NO")

    table = [("benchmark", "", "ours ms", "floor ms", "ratio", "target", "met")]
    for row in rows:
        table.append(
            (
                row["benchmark"],
                row["name"],
                "" if row.get("ours_ms") is None else f"{row['ours_ms']:.1f}",
                "—" if row.get("floor_ms") is None else f"{row['floor_ms']:.1f}",
                "—" if row.get("ratio") is None else f"{row['ratio']:.2f}",
                "—"
                if row.get("target") is None
                else str(row["target"])
                if str(row["target"]).startswith(">=")
                else f"≤ {row['target']}",
                mark(row["met"]),
            )
        )
    print_table(table, left=2)
    judged = [row for row in rows if row["met"] is not None]
    print(f"\nTargets met: {sum(row['met'] for row in judged)} of {len(judged)}")
    (results / "summary.json").write_text(
        json.dumps({"benchmark": "summary", "rows": rows}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    return rows


if __name__ == "__main__":
    main()
