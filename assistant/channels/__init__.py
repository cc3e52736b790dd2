"""Channels: the senses of the live assistant. Each is one module with one class, registered here.

The registry's order is the order channels are stepped in a lane and the order of their parts in the
describe answer (the objects channel's before the scene's: the scene leaves what it named to it). To add a
sense, subclass `Channel` (`channels/base.py`: it declares its modes, lane and the key actions it serves)
and add one line. The loader checks each against `CONTRACT` (a missing `step` is a sentence naming the
channel; what else is missing gets a default that does nothing).
"""

from __future__ import annotations

from assistant.registry import Contract

CHANNELS: dict[str, str] = {
    "objects": "assistant.channels.objects:ObjectsChannel",
    "scene": "assistant.channels.scene:SceneChannel",
    "text": "assistant.channels.text:TextChannel",
    "guidance": "assistant.channels.guidance:GuidanceChannel",
    "document": "assistant.channels.document:DocumentChannel",
    "light": "assistant.channels.light:LightChannel",
    "colour": "assistant.channels.colour:ColourChannel",
    "codes": "assistant.channels.codes:CodesChannel",
    "faces": "assistant.channels.faces:FacesChannel",
    "find": "assistant.channels.find:FindChannel",
    "find-text": "assistant.channels.find:FindTextChannel",
}

# What the loop needs of a channel. A subclass of `channels.base.Channel` has it all (the base does nothing);
# a channel written without it gets the same do-nothing defaults for what it leaves out.
CONTRACT = Contract("channel", ("name", "modes", "lane", "failure", "rate", "step"),
                    {"describe": lambda channel: lambda frame, now: "", "reset": lambda channel: lambda: None,
                     "seen": lambda channel: dict, "request": lambda channel: lambda action, word, frame, now: [],
                     "actions": lambda channel: frozenset(), "leads": lambda channel: False})
