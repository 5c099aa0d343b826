"""Notifications: what an event means for the people it concerns, in-app and on their channels."""
