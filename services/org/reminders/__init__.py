"""Reminders and escalation (催办 / 超时升级): what waits on whom, until when, and who hears when it is late."""
