"""Channels: the senses of the live assistant. Each is one module with one class, registered here.

The registry's order is the order channels are stepped in a lane and the order of their parts in the
describe-now answer. To add a sense, write a class with the `Channel` protocol (`channels/base.py`) and
add one line.
"""

from __future__ import annotations

CHANNELS: dict[str, str] = {
    "objects": "assistant.channels.objects:ObjectsChannel",
    "scene": "assistant.channels.scene:SceneChannel",
    "text": "assistant.channels.text:TextChannel",
    "guidance": "assistant.channels.guidance:GuidanceChannel",
    "document": "assistant.channels.document:DocumentChannel",
    "light": "assistant.channels.light:LightChannel",
    "colour": "assistant.channels.colour:ColourChannel",
    "codes": "assistant.channels.codes:CodesChannel",
}
