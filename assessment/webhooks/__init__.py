"""Webhooks: an organisation's HTTPS endpoints told of its events (an assessment
submitted, a report ready, target levels changed) in signed JSON messages, sent by the
workers with retries, and the log of every delivery."""
