"""assistant: an offline seeing assistant. Capture -> vision -> channels -> speech, wired in app.py."""

import os

# onnxruntime has telemetry of its own: a database under ~/.cache/Microsoft, and DNS lookups from its own
# threads some seconds after the first session. Off before any module of ours can import onnxruntime;
# `offline.quiet_onnxruntime()` also turns its events off before each session is made.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

__version__ = "0.1.0"
