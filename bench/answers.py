"""Answers that are right: the inbound agent's rules engine over a labelled set of real-sounding
messages to several businesses, in English and Arabic.

    python -m bench.answers [--data bench/data/answers] [--misses]

Each business in the set (bench/data/answers/<business>/) becomes a workspace with its own
documents in its knowledge base, ingested by the product's own path. Every message then arrives
as a new lead's text message and the agent decides its reply, as it would in production (the
rules engine: no LLM). The set's labels say what a right reply is: for an answerable question,
one of the facts that answer it; for an unanswerable one, no answer from the documents; for an
intent (stopping messages, wanting a person, wanting a meeting), the action it calls for. The
qualification read from each message (budget, timeline, urgency) is checked against the truths
labelled on it, and retrieval is scored on the answerable questions:

- ``answer_accuracy``: answerable questions whose reply states a fact that answers them;
- ``wrong_answer_rate``: questions (answerable or not) answered from the documents wrongly;
- ``intent_accuracy``: intent messages (negatives included) given the action their intent
  calls for; ``opt_out_recall``: opt-outs recognised as such;
- ``qualification_accuracy``: labelled fields read right (an explicit "none" included);
- ``recall_at_1`` and ``mrr``: the rank of the first passage that holds an answering fact in
  the workspace's search; ``document_recall_at_1``: the first hit from an answering document.

Prints one JSON object last; ``--misses`` writes each miss to stderr.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.databases import leadflow_in_process

DATA = Path(__file__).parent / "data" / "answers"
SENT_AT = (2026, 12, 7, 10, 0)  # every message of the set was written then, local time
INTENT_OF_ACTION = {"opt_out": "opt_out", "offer_times": "meeting", "book": "meeting"}


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    @property
    def rate(self) -> float:
        return round(self.right / self.total, 3) if self.total else 0.0


@dataclass
class Scores:
    answers: Tally = field(default_factory=Tally)
    wrong: Tally = field(default_factory=Tally)
    intents: Tally = field(default_factory=Tally)
    opt_outs: Tally = field(default_factory=Tally)
    qualification: Tally = field(default_factory=Tally)
    first: Tally = field(default_factory=Tally)
    first_document: Tally = field(default_factory=Tally)
    reciprocal_ranks: list[float] = field(default_factory=list)
    by_language: dict[str, Tally] = field(default_factory=dict)
    decide_ms: list[float] = field(default_factory=list)
    # The best passage's cosine for each question, by what its answer was: "right" (it states a
    # fact), "wrong" (an answerable question, answered with another fact), "none" (unanswerable).
    top_cosines: dict[str, list[tuple[str, float]]] = field(default_factory=dict)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--misses", action="store_true", help="write each miss to stderr")
    parser.add_argument(
        "--distributions", action="store_true",
        help="write the best passage's cosine for right, wrong and unanswerable questions, and "
        "the answering threshold each pair of businesses would choose, to stderr",
    )  # fmt: skip
    return parser.parse_args()


def main() -> None:
    args = _args()
    workdir = Path(tempfile.mkdtemp(prefix="leadflow-bench-answers-"))
    try:
        result = _run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result))


def _run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    leadflow_in_process(f"sqlite:///{workdir / 'bench.db'}", workdir)
    scores = Scores()
    businesses = sorted(p for p in args.data.iterdir() if (p / "business.json").exists())
    messages = 0
    for folder in businesses:
        workspace_id, business = _workspace(folder)
        for message in _messages(folder):
            _score(scores, workspace_id, business, message, misses=args.misses)
            messages += 1
    if args.distributions:
        _print_distributions(scores)
    return _result(scores, len(businesses), messages)


def _messages(folder: Path) -> list[dict[str, Any]]:
    lines = (folder / "messages.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _workspace(folder: Path) -> tuple[int, dict[str, Any]]:
    """The business as a workspace, its documents ingested by the ingestion job."""
    from leadflow.db import unit_of_work
    from leadflow.knowledge import service
    from leadflow.worker import enqueue
    from leadflow.worker.runner import run_due
    from leadflow.workspaces.service import create_workspace

    business = json.loads((folder / "business.json").read_text(encoding="utf-8"))
    business["slug"] = folder.name
    with unit_of_work() as session:
        workspace = create_workspace(
            session, slug=folder.name, name=business["name"], time_zone=business["timezone"]
        )
        workspace.settings = {**(workspace.settings or {}), "services": business["services"]}
        kb = service.create_knowledge_base(session, workspace_id=workspace.id, name="documents")
        for path in sorted((folder / "documents").iterdir()):
            document = service.add_document(
                session, kb, origin="text", source=path.name,
                body=path.read_text(encoding="utf-8"),
            )  # fmt: skip
            enqueue(session, "knowledge.ingest", workspace.id, document.id)
        workspace_id = workspace.id
    started = time.perf_counter()
    run_due()
    print(f"{folder.name}: ingested in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return workspace_id, business


def _score(
    scores: Scores, workspace_id: int, business: dict[str, Any], message: dict[str, Any],
    *, misses: bool,
) -> None:  # fmt: skip
    sent_at = datetime(*SENT_AT, tzinfo=ZoneInfo(business["timezone"]))
    decision, ms = _decide(workspace_id, message["text"])
    scores.decide_ms.append(ms)
    kind, reply = message["kind"], decision.reply if decision.action == "reply" else ""
    answered = decision.action == "reply" and bool(decision.citations)
    if kind == "question":
        right = answered and _states_a_fact(reply, message["facts"])
        scores.answers.add(right)
        scores.by_language.setdefault(message["lang"], Tally()).add(right)
        scores.wrong.add(answered and not right)
        _score_retrieval(scores, workspace_id, business, message)
        if not right and misses:
            _miss(message, decision, "answer")
    elif kind == "unanswerable":
        scores.wrong.add(answered)
        _keep_top_cosine(scores, _search(workspace_id, message["text"]), business, message)
        if answered and misses:
            _miss(message, decision, "answered the unanswerable")
    elif kind == "intent":
        read = _intent_of(decision)
        scores.intents.add(read == message["intent"])
        if message["intent"] == "opt_out":
            scores.opt_outs.add(read == "opt_out")
        if read != message["intent"] and misses:
            _miss(message, decision, f"intent {read}")
    if "qualification" in message:
        _score_qualification(scores, message, business, sent_at, misses=misses)


def _decide(workspace_id: int, text: str) -> tuple[Any, float]:
    """A new lead's text message, and the agent's decision on it (nothing is kept)."""
    from leadflow.agent.service import decide, plan_turn
    from leadflow.conversations.service import Inbound, receive
    from leadflow.db import get_sessionmaker
    from leadflow.models import Workspace

    with get_sessionmaker()() as session:
        workspace = session.get(Workspace, workspace_id)
        assert workspace is not None
        inbound = Inbound(channel="sms", sender="+966500000001", body=text, provider="bench")
        message = receive(session, workspace, inbound)
        assert message is not None
        started = time.perf_counter()
        plan = plan_turn(session, workspace_id, message.id)
        assert plan is not None, text
        decision, _ = decide(plan.turn)
        ms = (time.perf_counter() - started) * 1000
        session.rollback()
    return decision, ms


def _intent_of(decision: Any) -> str:
    if decision.action in INTENT_OF_ACTION:
        return INTENT_OF_ACTION[decision.action]
    if decision.action == "handoff" and decision.reason.startswith("asked for a person"):
        return "person"
    return "none"


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def _states_a_fact(reply: str, facts: list[str]) -> bool:
    said = _normal(reply)
    return any(_normal(fact) in said for fact in facts)


def _search(workspace_id: int, text: str) -> list[Any]:
    from leadflow.db import get_sessionmaker
    from leadflow.knowledge.search import search

    with get_sessionmaker(writes=False)() as session:
        return search(session, workspace_id=workspace_id, query=text, limit=10, threshold=0)


def _keep_top_cosine(scores: Scores, hits: list[Any], business: dict[str, Any],
                     message: dict[str, Any]) -> None:  # fmt: skip
    if not hits:
        return
    if message["kind"] == "unanswerable":
        what = "none"
    else:
        what = (
            "right" if _states_a_fact(hits[0].answer or hits[0].text, message["facts"]) else "wrong"
        )
    scores.top_cosines.setdefault(business["slug"], []).append((what, hits[0].cosine))


def _score_retrieval(
    scores: Scores, workspace_id: int, business: dict[str, Any], message: dict[str, Any]
) -> None:
    hits = _search(workspace_id, message["text"])
    _keep_top_cosine(scores, hits, business, message)
    rank = next(
        (i for i, hit in enumerate(hits, 1) if _states_a_fact(hit.text, message["facts"])), None
    )
    scores.first.add(rank == 1)
    scores.reciprocal_ranks.append(1 / rank if rank else 0.0)
    scores.first_document.add(bool(hits) and hits[0].source in message["documents"])


def _score_qualification(
    scores: Scores, message: dict[str, Any], business: dict[str, Any], sent_at: datetime,
    *, misses: bool,
) -> None:  # fmt: skip
    from leadflow.scoring.qualification import qualify_by_rules

    found = qualify_by_rules([message["text"]], now=sent_at, services=business["services"])
    for name, truth in message["qualification"].items():
        check = _CHECKS.get(name)
        if check is None:
            continue
        ok = check(found, truth)
        scores.qualification.add(ok)
        if not ok and misses:
            read = getattr(found, name).model_dump(mode="json")
            print(f"MISS qualification {name} [{message['id']}] {message['text']!r}\n"
                  f"  truth {truth} read {read}", file=sys.stderr)  # fmt: skip


def _budget_right(found: Any, truth: dict[str, Any] | None) -> bool:
    budget = found.budget
    if truth is None:
        return budget.amount is None
    if budget.amount is None or not _near(budget.amount, truth["amount"]):
        return False
    if truth.get("amount_min") is not None and (
        budget.amount_min is None or not _near(budget.amount_min, truth["amount_min"])
    ):
        return False
    return truth.get("currency") is None or budget.currency == truth["currency"]


def _near(read: Decimal, truth: float) -> bool:
    return abs(float(read) - float(truth)) <= 0.01 * abs(float(truth))


def _timeline_right(found: Any, truth: dict[str, Any] | None) -> bool:
    by = found.timeline.by
    if truth is None:
        return by is None
    earliest, latest = (date.fromisoformat(truth[k]) for k in ("by_earliest", "by_latest"))
    return by is not None and earliest <= by <= latest


def _urgency_right(found: Any, truth: str | None) -> bool:
    return bool(found.urgency.level == truth)


_CHECKS = {"budget": _budget_right, "timeline": _timeline_right, "urgency": _urgency_right}


def _miss(message: dict[str, Any], decision: Any, what: str) -> None:
    print(f"MISS {what} [{message['id']}] {message['text']!r}\n"
          f"  -> {decision.action} ({decision.reason}): {decision.reply[:160]!r}",
          file=sys.stderr)  # fmt: skip


def _print_distributions(scores: Scores) -> None:
    """Percentiles of the best passage's cosine by what it answered, and for each pair of
    businesses the threshold that answers most questions right while answering at most 5% of
    questions wrongly, with what it gives on the other pair."""
    everything = [pair for pairs in scores.top_cosines.values() for pair in pairs]
    for what in ("right", "wrong", "none"):
        values = sorted(c for w, c in everything if w == what)
        if values:
            cuts = [values[int(q * (len(values) - 1))] for q in (0.1, 0.25, 0.5, 0.75, 0.9)]
            print(f"{what:5} n={len(values):3} p10/25/50/75/90: "
                  + " ".join(f"{c:.3f}" for c in cuts), file=sys.stderr)  # fmt: skip
    slugs = sorted(scores.top_cosines)
    for chosen in (slugs[:2], slugs[2:]):
        tuning = [p for s in chosen for p in scores.top_cosines[s]]
        held = [p for s in slugs if s not in chosen for p in scores.top_cosines[s]]
        threshold = _best_threshold(tuning)
        print(f"threshold from {'+'.join(chosen)}: {threshold:.3f}; "
              f"there {_rates(tuning, threshold)}; elsewhere {_rates(held, threshold)}",
              file=sys.stderr)  # fmt: skip


def _rates(pairs: list[tuple[str, float]], threshold: float) -> str:
    answerable = [c for w, c in pairs if w != "none"]
    right = sum(1 for w, c in pairs if w == "right" and c >= threshold)
    wrong = sum(1 for w, c in pairs if w != "right" and c >= threshold)
    return f"right {right / max(len(answerable), 1):.3f} wrong {wrong / max(len(pairs), 1):.3f}"


def _best_threshold(pairs: list[tuple[str, float]]) -> float:
    candidates = sorted({round(c, 3) for _, c in pairs})
    best, best_right = 1.0, -1
    for threshold in candidates:
        right = sum(1 for w, c in pairs if w == "right" and c >= threshold)
        wrong = sum(1 for w, c in pairs if w != "right" and c >= threshold)
        if wrong <= 0.05 * len(pairs) and right > best_right:
            best, best_right = threshold, right
    return best


def _result(scores: Scores, businesses: int, messages: int) -> dict[str, Any]:
    ranks = scores.reciprocal_ranks
    return {
        "bench": "answers",
        "answer_accuracy": scores.answers.rate,
        "wrong_answer_rate": scores.wrong.rate,
        "intent_accuracy": scores.intents.rate,
        "qualification_accuracy": scores.qualification.rate,
        "recall_at_1": scores.first.rate,
        "mrr": round(sum(ranks) / len(ranks), 3) if ranks else 0.0,
        "opt_out_recall": scores.opt_outs.rate,
        "document_recall_at_1": scores.first_document.rate,
        "answer_accuracy_by_language": {k: v.rate for k, v in sorted(scores.by_language.items())},
        "businesses": businesses,
        "messages": messages,
        "questions": scores.answers.total,
        "intents": scores.intents.total,
        "qualification_fields": scores.qualification.total,
        "decide_p50_ms": round(statistics.median(scores.decide_ms), 1) if scores.decide_ms else 0,
    }


if __name__ == "__main__":
    main()
