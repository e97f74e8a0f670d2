"""Pushing results to the HR system: signed webhooks delivered from the outbox."""
