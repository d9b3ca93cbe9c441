"""Every table, one module each. Importing this package registers them all on Base.metadata."""

from leadflow.models.activity import Activity
from leadflow.models.api_key import ApiKey
from leadflow.models.base import Base
from leadflow.models.company import Company
from leadflow.models.idempotency_record import IdempotencyRecord
from leadflow.models.import_job import ImportJob, ImportStatus
from leadflow.models.import_rejection import ImportRejection
from leadflow.models.lead import ConsentStatus, Lead, LeadStage
from leadflow.models.merge_record import MergeRecord
from leadflow.models.user import User
from leadflow.models.workspace import Workspace
from leadflow.models.workspace_member import WorkspaceMember

__all__ = [
    "Activity",
    "ApiKey",
    "Base",
    "Company",
    "ConsentStatus",
    "IdempotencyRecord",
    "ImportJob",
    "ImportRejection",
    "ImportStatus",
    "Lead",
    "LeadStage",
    "MergeRecord",
    "User",
    "Workspace",
    "WorkspaceMember",
]
