"""Which account serves a workspace for each capability: its own connection first, then the
platform's settings, then the local default (the outbox, the rules engine, the local parser);
and what a call that costs money may spend."""
