"""Outside capabilities (SMS, email, CRM, LLMs...), each behind our own interface.

Every vendor adapter calls out through :mod:`leadflow.integrations.http`: one shared client,
timeouts, retries, a circuit breaker per provider and the two kinds of error.
"""
