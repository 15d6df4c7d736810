"""Notifications to members: one outbox for email and SMS (see ``outbox``)."""
