"""assistant: an offline seeing assistant. Capture -> vision -> announce -> speech, wired in app.py."""

__version__ = "0.1.0"
