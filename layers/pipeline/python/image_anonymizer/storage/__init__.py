"""What is kept between requests and where results are written: jobs (DynamoDB), plans
(API Gateway usage plans), the bucket's key layout, and the ``Store`` adapters."""
