"""One table of the last peers run: Redmine's 100-issue list beside our plan page of 100 tasks,
Radicale's 1,000-event calendar beside our 1,000-item feed, requests per second and p95 at 1 and
4 connections, and each server's memory; issue #20's targets judged on them.

Reads the newest `redmine-*.txt`, `radicale-*.txt` and `tracker-*.txt` in the folder the
scripts wrote (their `RESULT` and `RSS` lines), prints the table and writes
`bench/results/peers.json`, which `python -m bench.summary` adds to its table.

    python -m bench.peers.table [bench/results/peers]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from bench.common import RESULTS, print_table

PLAN_VS_REDMINE = 10.0  # our plan page's req/s at 4 connections against Redmine's list
FEED_VS_RADICALE = 3.0  # our full feed's req/s at 1 and at 4 connections against Radicale's

PAIRS = (
    ("A list of 100 tasks", "redmine_issues_html", "tracker_plan_html"),
    ("A calendar of 1,000 events", "radicale_gunicorn_events_ics", "tracker_feed_ics"),
)


def newest(folder: Path, prefix: str) -> Path | None:
    found = sorted(folder.glob(f"{prefix}-*.txt"))
    return found[-1] if found else None


def read(folder: Path) -> tuple[dict, dict]:
    """{(label, connections): figures} and {server: total MiB} from the newest files."""
    results: dict[tuple[str, int], dict[str, float]] = {}
    memory: dict[str, int] = {}
    for prefix in ("redmine", "radicale", "tracker"):
        path = newest(folder, prefix)
        if path is None:
            continue
        for line in path.read_text().splitlines():
            if line.startswith("RESULT "):
                _result, label, connections, *pairs = line.split()
                figures = {k: float(v) for k, v in (pair.split("=") for pair in pairs)}
                results[(label, int(connections.removeprefix("c=")))] = figures
            elif line.startswith("RSS "):
                match = re.search(r"total_MiB=(\d+)", line)
                if match:
                    memory[line.split()[1]] = int(match.group(1))
    return results, memory


def judge(results: dict) -> list[dict]:
    def figure(label: str, connections: int, name: str) -> float | None:
        return results.get((label, connections), {}).get(name)

    rows = []
    plan, redmine = (
        figure("tracker_plan_html", 4, "rps"),
        figure("redmine_issues_html", 4, "rps"),
    )
    plan_p95, redmine_p95 = (
        figure("tracker_plan_html", 4, "p95_ms"),
        figure("redmine_issues_html", 4, "p95_ms"),
    )
    if plan and redmine and plan_p95 is not None and redmine_p95 is not None:
        ratio = plan / redmine
        rows.append(
            {
                "name": f"plan page of 100 vs Redmine's 100 issues, 4 connections: "
                f"{plan:.1f} vs {redmine:.1f} req/s ({ratio:.1f}x), "
                f"p95 {plan_p95:.0f} vs {redmine_p95:.0f} ms",
                "ratio": ratio,
                "target": f">= {PLAN_VS_REDMINE:.0f}x, lower p95",
                "met": ratio >= PLAN_VS_REDMINE and plan_p95 < redmine_p95,
            }
        )
    for connections in (1, 4):
        feed = figure("tracker_feed_ics", connections, "rps")
        radicale = figure("radicale_gunicorn_events_ics", connections, "rps")
        if feed and radicale:
            ratio = feed / radicale
            rows.append(
                {
                    "name": f"feed of 1,000 vs Radicale's 1,000 events, {connections} "
                    f"connection{'s' if connections > 1 else ''}: {feed:.1f} vs "
                    f"{radicale:.1f} req/s ({ratio:.1f}x)",
                    "ratio": ratio,
                    "target": f">= {FEED_VS_RADICALE:.0f}x",
                    "met": ratio >= FEED_VS_RADICALE,
                }
            )
    return rows


def main(folder: Path = RESULTS / "peers") -> list[dict]:
    results, memory = read(folder)
    if not results:
        print(f"No peers results in {folder}: run `make bench-peers`.")
        return []
    table = [("", "server", "1 conn req/s", "p95 ms", "4 conn req/s", "p95 ms", "memory MiB")]
    servers = {
        "redmine": ("Redmine (puma, 2 workers)", "redmine"),
        "radicale": ("Radicale (gunicorn, 2 workers)", "radicale_gunicorn"),
        "tracker": ("tracker (gunicorn, 2 workers)", "tracker"),
    }
    for what, theirs, ours in PAIRS:
        for label in (theirs, ours):
            name, memory_key = servers[label.split("_")[0]]
            cells = []
            for connections in (1, 4):
                figures = results.get((label, connections), {})
                cells += [
                    f"{figures['rps']:.1f}" if figures else "—",
                    f"{figures['p95_ms']:.0f}" if figures else "—",
                ]
            mib = memory.get(memory_key)
            table.append((what, name, *cells, "—" if mib is None else str(mib)))
            what = ""
    print_table(table, left=2)
    rows = judge(results)
    for row in rows:
        print(f"{'met' if row['met'] else 'NOT MET'}: {row['name']} (target {row['target']})")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "peers.json").write_text(
        json.dumps(
            {
                "benchmark": "peers",
                "rows": rows,
                "results": [
                    [label, connections, figures]
                    for (label, connections), figures in results.items()
                ],
                "memory_mib": memory,
            },
            indent=2,
        )
        + "\n"
    )
    return rows


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS / "peers")
