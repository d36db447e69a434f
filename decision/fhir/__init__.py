"""The FHIR R4 export of stored assessments: plain functions that turn records into
JSON-ready Bundles (``bundle``). No models, no views; the API serves what they return."""
