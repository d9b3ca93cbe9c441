"""Bulk import, end to end: parse, normalise, validate, deduplicate, commit.

    python -m bench.import --rows 1000000 [--database-url postgresql+psycopg://user@host/db]

The file is written first, by another process, so its making is not measured. With a
PostgreSQL URL the run uses a fresh database on that server and drops it afterwards.
Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="a PostgreSQL server; default SQLite")
    parser.add_argument("--chunk-rows", type=int, default=1000)
    parser.add_argument(
        "--without-scoring",
        action="store_true",
        help="the import alone, for comparison: its new leads are left unscored",
    )
    return parser.parse_args()


def _rss(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


class _ChildPeaks:
    """The peak resident memory of each child process, in MB, read from /proc while it runs.

    getrusage's figure for a child is no good here: Linux carries a process's high-water mark
    across exec, so a spawned child starts out "peaking" at this whole process's size at the
    moment it was started (the parsing process reported ~90 MB, ~30 of them the importer's).
    VmHWM in /proc is the child's own, since its exec. Without /proc, getrusage's figure.
    """

    def __init__(self, every: float = 0.1) -> None:
        self.peaks: dict[str, float] = {}
        self._every = every
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> _ChildPeaks:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()

    def largest(self) -> float:
        if not Path("/proc/self/task").is_dir():
            return _rss(resource.RUSAGE_CHILDREN)
        return max(self.peaks.values(), default=0.0)

    def _watch(self) -> None:
        while not self._done.wait(self._every):
            for children in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
                for pid in _read(children).split():
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), _own_peak_mb(pid))


def _own_peak_mb(pid: str) -> float:
    for line in _read(Path(f"/proc/{pid}/status")).splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:  # the process ended meanwhile
        return ""


def _cpu_seconds() -> tuple[float, float]:
    """CPU time of this process and of its waited-for children (the parsing process)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _write_file(path: Path, rows: int) -> None:
    code = (
        "from pathlib import Path; from bench.synthetic import write_leads_csv; "
        f"write_leads_csv(Path({str(path)!r}), {rows})"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def main() -> None:
    # Imported here, not above: the spawned parsing process imports this module again, and
    # SQLAlchemy (which the database helper needs) would add 15 MB to it for nothing.
    from bench.databases import scratch_database

    args = _args()
    workdir = Path(tempfile.mkdtemp(prefix="leadflow-bench-import-"))
    source = workdir / "leads.csv"
    try:
        with _ChildPeaks() as children:
            _write_file(source, args.rows)
            before = _cpu_seconds()
            with scratch_database(args.database_url, workdir) as url:
                result = _run(
                    url, workdir, source, args.chunk_rows, scoring=not args.without_scoring
                )
    finally:
        shutil.rmtree(
            workdir, ignore_errors=True
        )  # the file and the database: hundreds of MB at a million rows
    importer, parser = (after - start for after, start in zip(_cpu_seconds(), before, strict=True))
    rows = int(str(result["rows"])) or 1
    result["cpu_us_per_row"] = {
        "importer": round(importer * 1e6 / rows, 1),
        "parser": round(parser * 1e6 / rows, 1),
    }
    importer_mb, child_mb = _rss(resource.RUSAGE_SELF), children.largest()
    result["peak_rss_mb"] = round(importer_mb + child_mb, 1)
    print(
        f"peak RSS: importer {importer_mb:.0f} MB, largest child {child_mb:.0f} MB "
        f"(getrusage says {_rss(resource.RUSAGE_CHILDREN):.0f} MB for it, counting what it "
        "shared with the importer until its exec)",
        file=sys.stderr,
    )
    print(json.dumps(result))


def _run(
    url: str, workdir: Path, source: Path, chunk_rows: int, *, scoring: bool
) -> dict[str, object]:
    os.environ["LEADFLOW_DATA_DIR"] = str(workdir)
    os.environ["LEADFLOW_DATABASE_URL"] = url
    os.environ.setdefault("LEADFLOW_LOG_LEVEL", "WARNING")

    from leadflow import catalogue
    from leadflow.config import get_settings
    from leadflow.db import get_engine, reset_engine_cache, unit_of_work
    from leadflow.imports.service import ImportRun, open_import, score_new_leads_with
    from leadflow.logs import configure_logging
    from leadflow.migrations.runner import upgrade_to_head
    from leadflow.models import ImportJob
    from leadflow.worker.runner import run_due
    from leadflow.workspaces.service import create_workspace

    catalogue.load()
    if not scoring:
        score_new_leads_with(None)  # the job that would score them after the file is not run
    get_settings.cache_clear()
    reset_engine_cache()
    configure_logging()
    upgrade_to_head(get_engine())
    with unit_of_work() as session:
        workspace = create_workspace(session, slug=f"bench-{secrets.token_hex(3)}")
        job = open_import(session, workspace=workspace, path=source)
    started = time.perf_counter()
    report = ImportRun(job.id, chunk_rows=chunk_rows).run()
    read = time.perf_counter() - started
    if scoring:
        run_due(name="scoring.score_imported")  # the import is done once every lead is scored
    elapsed = time.perf_counter() - started
    with unit_of_work(writes=False) as session:
        done = session.get(ImportJob, job.id)
        assert done is not None
        status, scoring = done.status, done.column_map.get("scoring") or {}
    engine = get_engine().dialect.name
    print(f"{report.as_dict()} in {elapsed:.1f}s on {engine}", file=sys.stderr)
    return {
        "bench": "import",
        "engine": engine,
        "rows": report.rows,
        "created": report.created,
        "merged": report.merged,
        "rejected": report.rejected,
        "status": status,
        "scored": scoring.get("scored", 0),
        "score_failed": scoring.get("failed", 0),
        "reading_seconds": round(read, 2),
        "seconds": round(elapsed, 2),
        "leads_per_s": round(report.rows / elapsed),
    }


if __name__ == "__main__":
    main()
