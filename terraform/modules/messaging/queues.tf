# The event queue and its dead-letter queue, with the settings of kit/src/aws/queues.ts (the
# deploy tests compare them). A message that fails max_receive_count receives moves to the DLQ
# instead of blocking the queue; the DLQ keeps it 14 days for inspection and redrive.

locals {
  events = {
    name                       = "${var.stage}-events"
    dlq_name                   = "${var.stage}-events-dlq"
    visibility_timeout_seconds = 10
    receive_wait_time_seconds  = 20
    message_retention_seconds  = 345600
    max_receive_count          = 5
    dlq_retention_seconds      = 1209600
  }
}

resource "aws_sqs_queue" "events_dlq" {
  name                      = local.events.dlq_name
  message_retention_seconds = local.events.dlq_retention_seconds
  sqs_managed_sse_enabled   = true

  tags = var.tags
}

resource "aws_sqs_queue" "events" {
  name                       = local.events.name
  visibility_timeout_seconds = local.events.visibility_timeout_seconds
  receive_wait_time_seconds  = local.events.receive_wait_time_seconds
  message_retention_seconds  = local.events.message_retention_seconds
  sqs_managed_sse_enabled    = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.events_dlq.arn
    maxReceiveCount     = local.events.max_receive_count
  })

  tags = var.tags
}

# Only the event queue may redrive into the DLQ.
resource "aws_sqs_queue_redrive_allow_policy" "events_dlq" {
  queue_url = aws_sqs_queue.events_dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.events.arn]
  })
}
