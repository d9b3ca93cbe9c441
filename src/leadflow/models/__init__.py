"""Every table, one module each. Importing this package registers them all on Base.metadata."""

from leadflow.models.activity import Activity, CallOutcome
from leadflow.models.api_key import ApiKey
from leadflow.models.base import Base
from leadflow.models.company import Company
from leadflow.models.conversation import Channel, Conversation, HandledBy
from leadflow.models.dead_job import DeadJob
from leadflow.models.event import Event
from leadflow.models.icp_rule import IcpRule
from leadflow.models.idempotency_record import IdempotencyRecord
from leadflow.models.import_job import ImportJob, ImportStatus
from leadflow.models.import_rejection import ImportRejection
from leadflow.models.inbound_webhook import InboundWebhook, InboxState
from leadflow.models.job import Job, JobState
from leadflow.models.knowledge_base import KnowledgeBase
from leadflow.models.knowledge_chunk import KnowledgeChunk
from leadflow.models.knowledge_document import DocumentStatus, KnowledgeDocument
from leadflow.models.lead import ConsentStatus, Lead, LeadStage
from leadflow.models.merge_record import MergeRecord
from leadflow.models.message import Message, MessageAuthor, MessageDirection, MessageStatus
from leadflow.models.notification import Notification, NotificationStatus
from leadflow.models.provider_connection import ProviderConnection
from leadflow.models.quota import Quota
from leadflow.models.scoring_model import ScoringModel
from leadflow.models.usage_record import UsageRecord
from leadflow.models.user import User
from leadflow.models.user_session import UserSession
from leadflow.models.webhook_attempt import WebhookAttempt
from leadflow.models.webhook_delivery import DeliveryState, WebhookDelivery
from leadflow.models.webhook_endpoint import WebhookEndpoint
from leadflow.models.workspace import Workspace
from leadflow.models.workspace_member import WorkspaceMember

__all__ = [
    "Activity",
    "ApiKey",
    "Base",
    "CallOutcome",
    "Channel",
    "Company",
    "ConsentStatus",
    "Conversation",
    "DeadJob",
    "DeliveryState",
    "DocumentStatus",
    "Event",
    "HandledBy",
    "IcpRule",
    "IdempotencyRecord",
    "ImportJob",
    "ImportRejection",
    "ImportStatus",
    "InboundWebhook",
    "InboxState",
    "Job",
    "JobState",
    "KnowledgeBase",
    "KnowledgeChunk",
    "KnowledgeDocument",
    "Lead",
    "LeadStage",
    "MergeRecord",
    "Message",
    "MessageAuthor",
    "MessageDirection",
    "MessageStatus",
    "Notification",
    "NotificationStatus",
    "ProviderConnection",
    "Quota",
    "ScoringModel",
    "UsageRecord",
    "User",
    "UserSession",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "Workspace",
    "WorkspaceMember",
]
