"""The JSON API under ``/api/v1``: personal bearer tokens, the same rules as the pages
(``policy``), and an OpenAPI 3.1 document built from the response models."""
