"""The HTTP API: the Powertools resolver and its routes (``api``), its OpenAPI schemas
(``schemas``), domain errors → statuses (``errors``), the large-upload flow (``uploads``),
and the localhost server that runs the same Lambda handler (``local_server``)."""
