"""The ways into the pipeline: the HTTP API (``http``), the S3 worker (``worker``), the
command line (``cli``) and the drop folder (``drop_folder``). Each turns its input into
a call on the service or a use case, and shapes the answer; none holds pipeline logic."""
