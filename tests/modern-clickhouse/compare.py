"""Runs the project's ClickHouse SQL on a current engine (chDB, ClickHouse 26.x in process) and on
the reference server (ClickHouse 18.16, the local stack's) and compares the results, row for row.

For each data set (a folder of <table>.tsv files, TSVWithNames, one per storage table of the
`analytics` database, dumped from 18.16 by tests/modern-clickhouse/dump-tables.sh):
  1. a fresh `analytics` database on both engines, with every statement of clickhouse/migrations
     rendered as `scripts/clickhouse.sh migrate` renders them. The current engine runs them all, the
     Kafka-engine consumers included; the reference skips those (and what reads from them), since
     its consumers would chase a broker that is not there; the end-to-end stage covers them on 18.16;
  2. the same rows loaded into both;
  3. every table and view both engines have (Kafka consumers and materialized views aside) compared:
     same columns and types, same rows (a ReplacingMergeTree read with FINAL: which superseded
     versions are still stored depends on merges, not on the SQL);
  4. every Grafana panel query (expanded by expand_panel_queries, the dashboard test's expansion)
     run on both: same column names, same rows.
Prints one line per check, "ok ..." or "FAIL ...", and exits 1 when any check failed.

Why Python: chDB, the one current ClickHouse a registry here serves, is a Python extension.
"""

import argparse
import base64
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

from chdb import session as chdb_session

DATABASE = "analytics"
# How many differing rows a failure shows.
SHOWN = 8


class Reference:
    """The reference server over HTTP (ClickHouse 18.16)."""

    def __init__(self, url, user, password):
        self.url = url.rstrip("/") + "/"
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}"}

    def query(self, sql, data=None):
        url = self.url
        body = sql.encode()
        if data is not None:
            url += "?" + urllib.parse.urlencode({"query": sql})
            body = data
        req = urllib.request.Request(url, data=body, headers=self.headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                return resp.read()
        except urllib.error.HTTPError as e:
            raise RuntimeError(e.read().decode(errors="replace").strip()) from None

    def version(self):
        return self.query("SELECT version()").decode().strip()


class Current:
    """The current engine, in process (chDB)."""

    def __init__(self, path):
        self.session = chdb_session.Session(path)

    def query(self, sql, data=None):
        if data is not None:
            sql = sql + "\n" + data.decode()
        try:
            return self.session.query(sql, "TSV").bytes()
        except Exception as e:  # chDB raises its own error type with ClickHouse's message
            raise RuntimeError(str(e).strip()) from None

    def version(self):
        return self.query("SELECT version()").decode().strip()


def migration_statements(root, version):
    """Every migration statement, in order, rendered by scripts/clickhouse.sh statements for a
    server of that version (the one place where SQL may differ between versions)."""
    out = []
    folder = os.path.join(root, "clickhouse", "migrations")
    for name in sorted(f for f in os.listdir(folder) if f.endswith(".sql")):
        raw = subprocess.run([os.path.join(root, "scripts", "clickhouse.sh"), "statements",
                              os.path.join(folder, name), version], check=True, capture_output=True).stdout
        out += [(name, s.decode()) for s in raw.split(b"\0") if s.strip()]
    return out


KAFKA_ENGINE = re.compile(r"ENGINE\s*=\s*Kafka\b", re.IGNORECASE)
CREATED = re.compile(r"CREATE\s+(?:MATERIALIZED\s+VIEW|VIEW|TABLE)\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.]+)",
                     re.IGNORECASE)


def reference_statements(statements):
    """The statements the reference runs: all but the Kafka consumers and what reads them."""
    skipped, kept = set(), []
    for name, sql in statements:
        created = CREATED.search(sql)
        reads_skipped = any(re.search(r"\b" + re.escape(t) + r"\b", sql) for t in skipped)
        if KAFKA_ENGINE.search(sql) or reads_skipped:
            if created:
                skipped.add(created.group(1))
            continue
        kept.append((name, sql))
    return kept, skipped


def consumer_not_started(engine, sql, error):
    """chDB validates a Kafka table's definition (columns, every setting and its value) and creates
    it, then fails to start its consumers with "Shutdown was called": an embedded engine runs no
    background streaming. That one error, on a Kafka table that exists afterwards, is accepted."""
    created = CREATED.search(sql)
    if not (KAFKA_ENGINE.search(sql) and created and "Shutdown was called" in error):
        return False
    database, table = created.group(1).split(".", 1)
    return engine.query(f"SELECT engine FROM system.tables WHERE database = '{database}' "
                        f"AND name = '{table}'").decode().strip() == "Kafka"


class Report:
    def __init__(self):
        self.failures = 0

    def ok(self, what):
        print(f"ok   {what}", flush=True)

    def fail(self, what, details=()):
        self.failures += 1
        print(f"FAIL {what}", flush=True)
        for line in details:
            print(f"       {line}", flush=True)


def rows(tsv_bytes):
    return sorted(tsv_bytes.decode().splitlines())


def row_differences(ref_rows, cur_rows):
    """Rows only one engine returned, as printable lines (a multiset difference)."""
    from collections import Counter
    ref, cur = Counter(ref_rows), Counter(cur_rows)
    only_ref = list((ref - cur).elements())
    only_cur = list((cur - ref).elements())
    lines = [f"18.16 only: {r}" for r in only_ref[:SHOWN]] + [f"current only: {r}" for r in only_cur[:SHOWN]]
    return len(only_ref) + len(only_cur), lines


def objects(engine, kinds_sql):
    out = {}
    for line in engine.query(
            f"SELECT name, engine FROM system.tables WHERE database = '{DATABASE}' {kinds_sql} "
            "ORDER BY name").decode().splitlines():
        name, eng = line.split("\t")
        out[name] = eng
    return out


def columns(engine, table):
    return engine.query(f"SELECT name, type FROM system.columns WHERE database = '{DATABASE}' "
                        f"AND table = '{table}' ORDER BY name").decode().splitlines()


def check_dataset(label, folder, ref, cur, statements, report):
    """statements: (reference's, current engine's), each rendered for its engine's version."""
    ref_rendered, statements = statements
    # 1. Fresh schema on both.
    for engine in (ref, cur):
        engine.query(f"DROP DATABASE IF EXISTS {DATABASE}")
        engine.query(f"CREATE DATABASE {DATABASE}")
    ref_statements, skipped = reference_statements(ref_rendered)
    failed, unstarted = [], []
    for name, sql in statements:
        try:
            cur.query(sql)
        except RuntimeError as e:
            if consumer_not_started(cur, sql, str(e)):
                unstarted.append(CREATED.search(sql).group(1))
            else:
                failed.append(f"{name}: {first_line(sql)}: {first_line(str(e))}")
    if failed:
        report.fail(f"[{label}] the current engine runs every migration statement", failed)
    else:
        report.ok(f"[{label}] the current engine runs all {len(statements)} migration statements "
                  f"({len(skipped)} Kafka-engine consumers and what reads them among them; "
                  f"{len(unstarted)} consumers created and validated but not started: chDB runs none)")
    for name, sql in ref_statements:
        ref.query(sql)   # the reference runs these in every other stage: a failure here aborts

    # 2. The same rows into both.
    tables = sorted(f[:-4] for f in os.listdir(folder) if f.endswith(".tsv"))
    total, failed = 0, []
    for table in tables:
        with open(os.path.join(folder, table + ".tsv"), "rb") as f:
            data = f.read()
        total += max(0, data.count(b"\n") - 1)
        insert = f"INSERT INTO {DATABASE}.{table} FORMAT TSVWithNames"
        ref.query(insert, data)
        try:
            cur.query(insert, data)
        except RuntimeError as e:
            failed.append(f"{table}: {first_line(str(e))}")
    if failed:
        report.fail(f"[{label}] the same rows load into both engines", failed)
    else:
        report.ok(f"[{label}] loaded {total} rows into {len(tables)} tables on both engines")

    # 3. Every object both have, Kafka consumers and materialized views aside.
    selectable = "AND engine NOT IN ('Kafka', 'MaterializedView') AND name != 'schema_migrations'"
    ref_objects, cur_objects = objects(ref, selectable), objects(cur, selectable)
    missing = sorted(set(ref_objects) - set(cur_objects))
    extra = sorted(set(cur_objects) - set(ref_objects) - skipped)
    if missing or extra:
        report.fail(f"[{label}] both engines have the same tables and views",
                    [f"missing on the current engine: {', '.join(missing)}"] * bool(missing) +
                    [f"only on the current engine: {', '.join(extra)}"] * bool(extra))
    compared = 0
    for name in sorted(set(ref_objects) & set(cur_objects)):
        what = f"[{label}] {ref_objects[name].lower()} {DATABASE}.{name}"
        ref_cols, cur_cols = columns(ref, name), columns(cur, name)
        if ref_cols != cur_cols:
            report.fail(f"{what}: same columns and types",
                        [f"18.16:   {', '.join(c.replace(chr(9), ' ') for c in ref_cols)}",
                         f"current: {', '.join(c.replace(chr(9), ' ') for c in cur_cols)}"])
            continue
        # A ReplacingMergeTree holds superseded versions until a merge drops them, and when that
        # happens differs by version (26.x already collapses each inserted block,
        # optimize_on_insert): what it holds is what FINAL reads, as the contract views do.
        final = " FINAL" if "ReplacingMergeTree" in ref_objects[name] else ""
        sql = f"SELECT * FROM {DATABASE}.{name}{final}"
        try:
            ref_rows, cur_rows = rows(ref.query(sql)), rows(cur.query(sql))
        except RuntimeError as e:
            report.fail(f"{what}: readable on both", [first_line(str(e))])
            continue
        count, lines = row_differences(ref_rows, cur_rows)
        if count:
            report.fail(f"{what}: same rows ({count} differ of {len(ref_rows)})", lines)
        else:
            compared += 1
            report.ok(f"{what}: same {len(ref_cols)} columns and {len(ref_rows)} rows")
    return compared


def first_line(text):
    return text.strip().splitlines()[0][:200] if text.strip() else ""


def check_panels(label, panel_file, ref, cur, report):
    with open(panel_file, "rb") as f:
        fields = f.read().split(b"\0")
    queries = [(fields[i].decode(), fields[i + 1].decode(), fields[i + 2].decode())
               for i in range(0, len(fields) - 2, 3)]
    if not queries:
        report.fail(f"[{label}] panel queries to run", [f"none in {panel_file}"])
    for title, ref_id, sql in queries:
        what = f"[{label}] panel \"{title}\" {ref_id}"
        sql = sql.strip().rstrip(";") + "\nFORMAT TSVWithNames"
        results = []
        for engine, name in ((ref, "18.16"), (cur, "current")):
            try:
                results.append(engine.query(sql).decode().split("\n", 1))
            except RuntimeError as e:
                results.append(None)
                report.fail(f"{what}: runs on {name}", [first_line(str(e))])
        if None in results:
            continue
        (ref_head, ref_body), (cur_head, cur_body) = results
        if ref_head != cur_head:
            report.fail(f"{what}: same columns", [f"18.16:   {ref_head}", f"current: {cur_head}"])
            continue
        ref_rows, cur_rows = sorted(ref_body.splitlines()), sorted(cur_body.splitlines())
        count, lines = row_differences(ref_rows, cur_rows)
        if count:
            report.fail(f"{what}: same rows ({count} differ of {len(ref_rows)})", lines)
        else:
            report.ok(f"{what}: same columns and {len(ref_rows)} rows")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="the repository")
    parser.add_argument("--reference", required=True, help="URL of the ClickHouse 18.16 server")
    parser.add_argument("--dataset", action="append", default=[], metavar="LABEL=FOLDER")
    parser.add_argument("--panel-queries", required=True, help="output of expand_panel_queries")
    args = parser.parse_args()

    ref = Reference(args.reference, os.environ.get("CLICKHOUSE_USER", "admin"),
                    os.environ.get("CLICKHOUSE_PASSWORD", "admin123"))
    work = tempfile.mkdtemp(prefix="chdb-")
    cur = Current(work)
    print(f"reference: ClickHouse {ref.version()}; current: ClickHouse {cur.version()} (chDB)", flush=True)
    statements = (migration_statements(args.root, ref.version()),
                  migration_statements(args.root, cur.version()))
    report = Report()
    for spec in args.dataset:
        label, folder = spec.split("=", 1)
        check_dataset(label, folder, ref, cur, statements, report)
        check_panels(label, args.panel_queries, ref, cur, report)
    for engine in (ref, cur):
        engine.query(f"DROP DATABASE IF EXISTS {DATABASE}")
    if report.failures:
        print(f"{report.failures} modern-ClickHouse check(s) failed")
        return 1
    print("all modern-ClickHouse checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
