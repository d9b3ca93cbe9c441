"""The web dashboard: server-rendered pages (Jinja2) made live with HTMX and server-sent events,
for the people of a workspace, signed in with their own password. Each area of the product has
its module here (its routes) and its templates under ``templates/<area>/``; ``web`` puts them
together."""
