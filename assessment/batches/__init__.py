"""Batches of PDF reports: every report of a portfolio or an organisation, as one zip."""
