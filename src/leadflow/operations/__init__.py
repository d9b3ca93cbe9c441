"""Running leadflow: health, readiness, metrics, and the request log."""
