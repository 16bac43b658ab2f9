"""`make bench` ends with one table: every result against its target (bench/summary.py)."""

import json

from bench import summary


def write(folder, name: str, document: dict) -> None:
    (folder / f"{name}.json").write_text(json.dumps(document), encoding="utf-8")


def test_one_table_judges_each_result_by_its_own_target(tmp_path, capsys):
    page = {"page": "dashboard /", "n": 600, "ours_s": 0.009, "floor_s": 0.006, "ratio": 1.5}
    write(
        tmp_path,
        "pages",
        {
            "benchmark": "pages",
            "machine": {"database": "sqlite"},
            "rows": [
                {"name": "dashboard /@600", **page},
                {"name": "plan /plan@600", **page, "ours_s": 0.03, "ratio": 5.0},
                {
                    "name": "personal feed, 1000 items@600",
                    "page": "feed",
                    "n": 600,
                    "ours_s": 0.44,
                    "floor_s": 0.3,
                    "ratio": 1.47,
                },
                {
                    "name": "DOCX of the regulation@600",
                    "page": "docx",
                    "n": 600,
                    "ours_s": 0.02,
                    "floor_s": 0.01,
                    "ratio": 2.0,
                },
                {
                    "name": "tracker seed (empty db, 146 rows)",
                    "ours_s": 0.1,
                    "floor_s": 0.003,
                    "ratio": 33.0,
                },
            ],
        },
    )
    write(
        tmp_path,
        "feeds",
        {
            "benchmark": "feeds",
            "rows": [
                {
                    "name": "304 poll vs full request",
                    "ours_s": 0.003,
                    "floor_s": 0.4,
                    "ratio": 0.0075,
                },
                {"name": "full request, 1000 items", "ours_s": 0.45, "floor_s": 0.3, "ratio": 1.6},
            ],
        },
    )
    write(
        tmp_path,
        "load-601",
        {
            "benchmark": "load",
            "machine": {"database": "sqlite"},
            "schools": 601,
            "connections": 16,
            "rps": 309.3,
            "p99_ms": 86.4,
            "errors": 0,
            "peak_worker_mb": 131.4,
        },
    )
    rows = {row["name"]: row for row in summary.main(tmp_path)}
    assert rows["dashboard /@600"]["met"] is True and rows["plan /plan@600"]["met"] is False
    assert rows["dashboard /@600"]["target"] == 3.0  # issue #20: 3x on SQLite
    assert rows["personal feed, 1000 items@600"]["target"] == 1.3
    assert rows["personal feed, 1000 items@600"]["met"] is False  # 1.47
    assert rows["DOCX of the regulation@600"]["met"] is None  # measured, no target
    assert rows["tracker seed (empty db, 146 rows)"]["met"] is None
    assert rows["304 poll vs full request"]["met"] is True
    assert rows["full request, 1000 items"]["met"] is False
    (load,) = [row for row in rows.values() if row["benchmark"] == "load (sqlite)"]
    assert load["met"] is False and "309.3 req/s" in load["name"]  # 131.4 MB, over 120
    printed = capsys.readouterr().out
    assert "Targets met: 2 of 6" in printed and "NO" in printed
    kept = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert len(kept["rows"]) == len(rows)


def test_without_results_it_says_what_to_run(tmp_path, capsys):
    assert summary.main(tmp_path) == []
    assert "make bench" in capsys.readouterr().out


def test_the_plan_import_is_judged_by_its_seconds_not_its_ratio(tmp_path, capsys):
    write(
        tmp_path,
        "plan_import",
        {
            "benchmark": "plan_import",
            "rows": [
                {
                    "name": "import of 5000 rows, CSV",
                    "ours_s": 2.1,
                    "floor_s": 0.006,
                    "ratio": 350.0,
                    "within": "yes",
                },
                {
                    "name": "import of 5000 rows, DOCX",
                    "ours_s": 6.2,
                    "floor_s": 1.0,
                    "ratio": 6.2,
                    "within": "NO",
                },
                {
                    "name": "preview of 5000 rows, CSV",
                    "ours_s": 0.4,
                    "floor_s": 0.008,
                    "ratio": 50.0,
                },
            ],
        },
    )
    rows = summary.main(tmp_path)
    assert [(row["target"], row["met"]) for row in rows] == [
        ("5 s", True),
        ("5 s", False),
        (None, None),
    ]
    assert "Targets met: 1 of 2" in capsys.readouterr().out


def test_public_pages_and_postgresql_pages_have_their_own_targets(tmp_path, capsys):
    def row(name: str, page: str, ratio: float) -> dict:
        return {
            "name": name,
            "page": page,
            "n": 1,
            "ours_s": ratio / 1000,
            "floor_s": 0.001,
            "ratio": ratio,
        }

    write(
        tmp_path,
        "pages",
        {"benchmark": "pages", "rows": [row("public documents@1", "public documents", 1.6)]},
    )
    write(
        tmp_path,
        "pages-postgresql",
        {
            "benchmark": "pages-postgresql",
            "rows": [
                row("dashboard /@1", "dashboard /", 2.5),
                row("plan /plan@1", "plan /plan", 1.9),
            ],
        },
    )
    judged = {(r["benchmark"], r["name"]): (r["target"], r["met"]) for r in summary.main(tmp_path)}
    assert judged == {
        ("pages", "public documents@1"): (1.5, False),
        ("pages-postgresql", "dashboard /@1"): (2.0, False),
        ("pages-postgresql", "plan /plan@1"): (2.0, True),
    }


def test_the_peers_run_is_one_table_judged_on_requests_per_second(tmp_path, monkeypatch, capsys):
    """`make bench-peers` writes the peers' own result lines; the table reads the newest of
    each and judges issue #20's targets: 10x Redmine's list with a lower p95, 3x Radicale."""
    from bench.peers import table

    peers = tmp_path / "peers"
    peers.mkdir()

    def result(label: str, connections: int, rps: float, p95: float) -> str:
        return (
            f"RESULT {label} c={connections} requests=100 rps={rps} p50_ms=1.0 "
            f"p95_ms={p95} p99_ms=1.0 max_ms=1.0 sock_errors=0 non2xx3xx=0"
        )

    (peers / "redmine-20261207-100000.txt").write_text(result("redmine_issues_html", 4, 1.0, 1))
    (peers / "redmine-20261207-120000.txt").write_text(
        "\n".join(
            [
                "[12:00:00] puma up",
                result("redmine_issues_html", 1, 6.6, 209.4),
                result("redmine_issues_html", 4, 14.4, 488.5),
                "RSS redmine puma total_MiB=439 processes=3",
            ]
        )
    )
    (peers / "radicale-20261207-120000.txt").write_text(
        "\n".join(
            [
                result("radicale_gunicorn_events_ics", 1, 8.5, 140.5),
                result("radicale_gunicorn_events_ics", 4, 21.5, 231.5),
                "RSS radicale_gunicorn total_MiB=85 processes=3",
            ]
        )
    )
    (peers / "tracker-20261207-120000.txt").write_text(
        "\n".join(
            [
                result("tracker_plan_html", 1, 35.7, 41.8),
                result("tracker_plan_html", 4, 74.7, 78.8),
                result("tracker_feed_ics", 1, 277.1, 4.4),
                result("tracker_feed_ics", 4, 20.0, 9.5),
                "RSS tracker gunicorn total_MiB=272 largest_MiB=128 processes=3",
            ]
        )
    )
    monkeypatch.setattr(table, "RESULTS", tmp_path)
    rows = table.main(peers)
    assert [(round(row["ratio"], 1), row["met"]) for row in rows] == [
        (5.2, False),  # 74.7 against the newest Redmine run's 14.4, not the older 1.0
        (32.6, True),
        (0.9, False),  # 20.0 against 21.5 at 4 connections
    ]
    printed = capsys.readouterr().out
    assert "439" in printed and "85" in printed and "272" in printed
    assert "NOT MET: plan page of 100" in printed

    judged = [row for row in summary.main(tmp_path) if row["benchmark"] == "peers"]
    assert [(row["target"], row["met"]) for row in judged] == [
        (">= 10x, lower p95", False),
        (">= 3x", True),
        (">= 3x", False),
    ]
    assert "Targets met: 1 of 3" in capsys.readouterr().out


def test_without_a_peers_run_the_table_says_what_to_run(tmp_path, capsys):
    from bench.peers import table

    assert table.main(tmp_path) == []
    assert "make bench-peers" in capsys.readouterr().out
