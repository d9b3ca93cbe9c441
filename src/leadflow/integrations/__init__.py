"""Outside capabilities (SMS, email, CRM, LLMs...), each behind our own interface.

``<capability>/`` holds an interface and its local implementation (``messaging``: the outbox;
``llm``: a scripted model; ``parsing``: the local parser). ``<vendor>/`` holds one vendor
whole: its settings schema, client, signature check, the reading of its callbacks into our
types, and its implementations of the interfaces, registered once in :mod:`.vendors`. Every
HTTP adapter calls out through :mod:`.http`: one shared client, timeouts, retries, a circuit
breaker per provider and the two kinds of error. Nothing here imports a domain package.
"""
