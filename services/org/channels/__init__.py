"""Org's outgoing channels: e-mail and group robots, their dispatcher, and their administration."""
