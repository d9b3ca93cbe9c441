"""What a workspace tells scoring about its ideal customer: the profile's rules, and the
thresholds that turn a score into a tier. The API and the dashboard both change them here."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from leadflow.exceptions import NotFound
from leadflow.models import IcpRule, Workspace
from leadflow.scoring import repository
from leadflow.scoring.schemas import RuleIn, ScoringSettingsIn


def rules(session: Session, *, workspace_id: int) -> Sequence[IcpRule]:
    return repository.rules(session, workspace_id)


def get_rule(session: Session, *, workspace_id: int, rule_id: int) -> IcpRule:
    rule = repository.rule(session, workspace_id, rule_id)
    if rule is None:
        raise NotFound(f"rule {rule_id} not found")
    return rule


def add_rule(session: Session, *, workspace_id: int, fields: RuleIn) -> IcpRule:
    """A new rule: when a lead's field meets the condition, its fit moves by the points."""
    rule = IcpRule(workspace_id=workspace_id, **fields.model_dump())
    session.add(rule)
    session.flush()
    return rule


def change_rule(session: Session, *, workspace_id: int, rule_id: int, fields: RuleIn) -> IcpRule:
    rule = get_rule(session, workspace_id=workspace_id, rule_id=rule_id)
    for name, value in fields.model_dump().items():
        setattr(rule, name, value)
    session.flush()
    return rule


def remove_rule(session: Session, *, workspace_id: int, rule_id: int) -> None:
    session.delete(get_rule(session, workspace_id=workspace_id, rule_id=rule_id))
    session.flush()


def scoring_settings(workspace: Workspace) -> ScoringSettingsIn:
    """Tier thresholds, intent half-life, the model's share and the personas, as set."""
    return ScoringSettingsIn.model_validate((workspace.settings or {}).get("scoring") or {})


def change_scoring_settings(
    session: Session, *, workspace: Workspace, settings: ScoringSettingsIn
) -> None:
    workspace.settings = {**(workspace.settings or {}), "scoring": settings.model_dump()}
    session.flush()
