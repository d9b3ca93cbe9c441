"""LLM calls cost money. Before each one, the workspace's quotas and budgets are asked whether
it may spend what the call could cost (an estimate: the prompt's tokens and the most the answer
may take); over them, the call is not made and the caller falls back to rules. After, what it
spent is recorded against the workspace (metric ``llm_tokens``), answered or failed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from leadflow.config import get_settings
from leadflow.exceptions import QuotaExceeded
from leadflow.integrations.llm.base import LLM, LLMFailed, Structured
from leadflow.integrations.llm.prices import cost_micros
from leadflow.models import UsageRecord
from leadflow.usage.service import check_quota, record_usage

METRIC = "llm_tokens"
OUTBOX = "outbox"
CHARACTERS_PER_TOKEN = 4  # a rough count, on the generous side for English and Arabic
# (tokens, cost in micros) the call could spend -> None, or QuotaExceeded
Allowance = Callable[[int, int], None]


def check_llm_quota(
    session: Session, workspace_id: int, *, tokens: int, provider: str = "", cost: int = 0
) -> None:
    """Raises QuotaExceeded if ``tokens`` more (an estimate: prompt + max_tokens), costing
    ``cost`` micros, would pass one of the workspace's quotas on LLM tokens or its budgets."""
    check_quota(
        session, workspace_id, metric=METRIC, quantity=tokens, provider=provider, cost_micros=cost
    )


def check_send(session: Session, workspace_id: int, *, provider: str, channel: str) -> None:
    """Raises QuotaExceeded if one more message on ``channel`` through ``provider`` would pass
    one of the workspace's quotas (the outbox sends nothing and is never counted)."""
    if provider != OUTBOX:
        check_quota(session, workspace_id, metric=channel, provider=provider)


def record_send(session: Session, workspace_id: int, *, provider: str, channel: str) -> None:
    """Counts a message a provider took (its price is not known when it is sent)."""
    if provider != OUTBOX:
        record_usage(session, workspace_id, provider=provider, metric=channel)


def account(
    session: Session, workspace_id: int, outcome: Structured[Any] | LLMFailed
) -> UsageRecord | None:
    """Records the tokens and cost of an answer, or of a failure that spent some (a repair
    that did not help); nothing when nothing was spent."""
    if isinstance(outcome, LLMFailed) and not outcome.tokens:
        return None
    return record_usage(
        session,
        workspace_id,
        provider=outcome.provider,
        metric=METRIC,
        quantity=outcome.tokens,
        cost_micros=outcome.cost_micros,
    )


def estimate(llm: LLM, request: dict[str, Any]) -> tuple[int, int]:
    """(tokens, cost in micros) a call could spend at most: its prompt and its longest answer."""
    written = len(str(request.get("system", ""))) + len(str(request.get("prompt", "")))
    asked = -(-written // CHARACTERS_PER_TOKEN)
    longest = int(request.get("max_tokens") or 800)
    prices = get_settings().llm_prices_per_million
    return asked + longest, cost_micros(llm.model, asked, longest, prices)


class Metered:
    """An LLM that asks the workspace's ``allowance`` before each call and keeps what each call
    spent, answered or failed, until ``account`` records it: for callers whose calls happen
    away from the session that pays."""

    def __init__(self, llm: LLM, *, allowance: Allowance | None = None) -> None:
        self._llm = llm
        self._allowance = allowance
        self.provider, self.model = llm.provider, llm.model
        self.spent: list[Structured[Any] | LLMFailed] = []

    def structured(self, **request: Any) -> Structured[Any]:
        if self._allowance is not None:
            self._ask_allowance(request)
        try:
            answer = self._llm.structured(**request)
        except LLMFailed as failure:
            self.spent.append(failure)
            raise
        self.spent.append(answer)
        return answer

    def _ask_allowance(self, request: dict[str, Any]) -> None:
        assert self._allowance is not None
        try:
            self._allowance(*estimate(self._llm, request))
        except QuotaExceeded as over:
            raise LLMFailed(
                f"not asked: {over.message}",
                provider=self.provider,
                model=self.model,
                reason="over_quota",
            ) from over

    def account(self, session: Session, workspace_id: int) -> None:
        for outcome in self.spent:
            account(session, workspace_id, outcome)
        self.spent.clear()
