"""LLM calls cost money: each is recorded as usage (metric ``llm_tokens``) against the
workspace, and a workspace's quota on it is checked before a call (OWASP API4)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from leadflow.integrations.llm.base import LLM, LLMFailed, Structured
from leadflow.models import UsageRecord
from leadflow.usage.service import check_quota, record_usage

METRIC = "llm_tokens"


def check_llm_quota(session: Session, workspace_id: int, *, tokens: int) -> None:
    """Raises QuotaExceeded if ``tokens`` more (an estimate: prompt + max_tokens) would pass
    one of the workspace's quotas on LLM tokens."""
    check_quota(session, workspace_id, metric=METRIC, quantity=tokens)


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


class Metered:
    """An LLM that keeps what each call spent, answered or failed, until ``account`` records
    it against a workspace: for callers whose calls happen away from the session that pays."""

    def __init__(self, llm: LLM) -> None:
        self._llm = llm
        self.provider, self.model = llm.provider, llm.model
        self.spent: list[Structured[Any] | LLMFailed] = []

    def structured(self, **request: Any) -> Structured[Any]:
        try:
            answer = self._llm.structured(**request)
        except LLMFailed as failure:
            self.spent.append(failure)
            raise
        self.spent.append(answer)
        return answer

    def account(self, session: Session, workspace_id: int) -> None:
        for outcome in self.spent:
            account(session, workspace_id, outcome)
        self.spent.clear()
