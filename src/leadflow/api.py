"""The versioned REST API: every router, registered explicitly."""

from __future__ import annotations

from fastapi import APIRouter

from leadflow.chat import endpoints as chat
from leadflow.compliance import endpoints as compliance
from leadflow.connections import endpoints as connections
from leadflow.conversations import endpoints as conversations
from leadflow.events import endpoints as events
from leadflow.exports import endpoints as exports
from leadflow.imports import endpoints as imports
from leadflow.inbox import endpoints as inbox
from leadflow.intake import endpoints as intake
from leadflow.knowledge import endpoints as knowledge
from leadflow.leads import endpoints as leads
from leadflow.notifications import endpoints as notifications
from leadflow.operations import job_endpoints as jobs
from leadflow.pipeline import endpoints as pipeline
from leadflow.sales import endpoints as sales
from leadflow.scoring import endpoints as scoring
from leadflow.usage import endpoints as usage
from leadflow.webhooks import endpoints as webhooks
from leadflow.workspaces import endpoints as workspaces

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(workspaces.router)
api_router.include_router(leads.router)
api_router.include_router(imports.router)
api_router.include_router(exports.router)
api_router.include_router(intake.router)
api_router.include_router(pipeline.router)
api_router.include_router(sales.router)
api_router.include_router(events.router)
api_router.include_router(jobs.router)
api_router.include_router(webhooks.router)
api_router.include_router(connections.router)
api_router.include_router(inbox.router)
api_router.include_router(usage.router)
api_router.include_router(notifications.router)
api_router.include_router(scoring.router)
api_router.include_router(knowledge.router)
api_router.include_router(conversations.router)
api_router.include_router(chat.router)
api_router.include_router(compliance.router)
