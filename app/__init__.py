"""MiShen core: no Qt in here."""

import os

__version__ = "0.1.0"

# onnxruntime (the OCR engine's runtime) has Microsoft's OneCollector telemetry built in on Linux
# too: unless ORT_DISABLE_TELEMETRY is set before it loads, it writes a device id and an event
# store under ~/.cache/Microsoft/DeveloperTools and would send them to
# mobile.events.data.microsoft.com. A confidentiality workstation sends nothing anywhere, so it is
# switched off for every process that imports the core (patrol and batch workers included), and
# not left to the environment. (onnxruntime.disable_telemetry_events() does not stop the files.)
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
