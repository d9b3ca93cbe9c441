"""Everything a process that runs or asks for jobs must know: the modules that declare jobs,
periodic jobs, the reactions to events, and the inbox's handlers. Each composition root (the
app, the CLI and so `leadflow worker`) loads it first; no domain imports it."""

from __future__ import annotations

from leadflow.accounts import tasks as account_tasks
from leadflow.agent import tasks as agent_tasks
from leadflow.conversations import handlers as conversation_handlers
from leadflow.conversations import tasks as conversation_tasks
from leadflow.events import tasks as event_tasks
from leadflow.imports import tasks as import_tasks
from leadflow.inbox import tasks as inbox_tasks
from leadflow.knowledge import tasks as knowledge_tasks
from leadflow.notifications import tasks as notification_tasks
from leadflow.operations import metrics as operation_metrics
from leadflow.pipeline import tasks as pipeline_tasks
from leadflow.sales import tasks as sales_tasks
from leadflow.scoring import pipeline_steps as scoring_steps
from leadflow.scoring import tasks as scoring_tasks
from leadflow.webhooks import tasks as webhook_tasks
from leadflow.worker import tasks as worker_tasks

DECLARING = (
    account_tasks, agent_tasks, conversation_handlers, conversation_tasks, event_tasks,
    import_tasks, inbox_tasks, knowledge_tasks, notification_tasks, operation_metrics,
    pipeline_tasks, sales_tasks, scoring_steps, scoring_tasks, webhook_tasks, worker_tasks,
)  # fmt: skip


def load() -> None:
    """The declarations are made as the modules above are imported: importing this module
    is loading it. A root calls this to say so."""
