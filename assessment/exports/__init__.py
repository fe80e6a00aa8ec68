"""Exports of assessments (JSON, CSV, XLSX) and imports of answers from a JSON file.

``records`` reads what is stored into plain records; ``formats`` turns records into
files; ``service`` chooses what a scope holds and records the export in the audit trail;
``imports`` reads an answers file into a draft; ``views`` serves them.
"""
