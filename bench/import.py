"""Bulk import, end to end: parse, normalise, validate, deduplicate, commit.

    python -m bench.import --rows 1000000 [--database-url postgresql+psycopg://...]

Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import sys
import tempfile
import time
from pathlib import Path


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument("--chunk-rows", type=int, default=5000)
    return parser.parse_args()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    args = _args()
    workdir = Path(tempfile.mkdtemp(prefix="leadflow-bench-import-"))
    os.environ["LEADFLOW_DATA_DIR"] = str(workdir)
    os.environ["LEADFLOW_DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    os.environ.setdefault("LEADFLOW_LOG_LEVEL", "WARNING")

    from bench.synthetic import write_leads_csv
    from leadflow.db import get_engine, unit_of_work
    from leadflow.imports.service import ImportRun, open_import
    from leadflow.logs import configure_logging
    from leadflow.migrations.runner import upgrade_to_head
    from leadflow.workspaces.service import create_workspace

    configure_logging()
    source = workdir / "leads.csv"
    write_leads_csv(source, args.rows)
    upgrade_to_head(get_engine())
    with unit_of_work() as session:
        workspace = create_workspace(
            session, slug=f"bench-{secrets.token_hex(3)}", default_region="US"
        )
        job = open_import(session, workspace=workspace, path=source)
    started = time.perf_counter()
    report = ImportRun(job.id, chunk_rows=args.chunk_rows).run()
    elapsed = time.perf_counter() - started
    engine = get_engine().dialect.name
    print(f"{report.as_dict()} in {elapsed:.1f}s on {engine}", file=sys.stderr)
    result = {
        "bench": "import",
        "engine": engine,
        "rows": report.rows,
        "created": report.created,
        "merged": report.merged,
        "rejected": report.rejected,
        "seconds": round(elapsed, 2),
        "leads_per_s": round(report.rows / elapsed),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
