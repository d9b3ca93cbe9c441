"""leadflow: every inbound lead answered, qualified and followed up in seconds."""

__version__ = "0.1.0"
