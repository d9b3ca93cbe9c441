"""Every module that declares jobs or periodic jobs, imported once by whoever runs them."""

from leadflow.accounts import tasks as account_tasks
from leadflow.agent import tasks as agent_tasks
from leadflow.conversations import handlers as conversation_handlers
from leadflow.conversations import tasks as conversation_tasks
from leadflow.events import tasks as event_tasks
from leadflow.imports import tasks as import_tasks
from leadflow.inbox import tasks as inbox_tasks
from leadflow.knowledge import tasks as knowledge_tasks
from leadflow.notifications import tasks as notification_tasks
from leadflow.pipeline import tasks as pipeline_tasks
from leadflow.scoring import tasks as scoring_tasks
from leadflow.webhooks import tasks as webhook_tasks
from leadflow.worker import tasks as worker_tasks

__all__ = [
    "account_tasks",
    "agent_tasks",
    "conversation_handlers",
    "conversation_tasks",
    "event_tasks",
    "import_tasks",
    "inbox_tasks",
    "knowledge_tasks",
    "notification_tasks",
    "pipeline_tasks",
    "scoring_tasks",
    "webhook_tasks",
    "worker_tasks",
]
