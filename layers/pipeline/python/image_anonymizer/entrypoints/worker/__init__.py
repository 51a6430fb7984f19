"""The S3 worker: the SQS / Step Functions Lambda handler (``queue_handler``) over the
object worker that redacts what arrives in the bucket (``object_worker``)."""
