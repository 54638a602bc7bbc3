# Least privilege per service: each statement names the exact actions the service's adapters call
# and the exact tables (plus their indexes) or queues it touches. The only "*" resources are the
# readiness probes' ListTables / ListQueues, which AWS cannot scope to a resource.
# The gateway talks to Redis and its peers only, so it gets no AWS role at all.

locals {
  item_read  = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"]
  item_write = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
  send       = ["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"]
  consume    = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"]

  reservation_tables = [for name in ["reservations", "orders", "idempotency", "outbox"] : var.table_arns[name]]
  inventory_tables   = [for name in ["events", "seats"] : var.table_arns[name]]
  payment_tables     = [var.table_arns["payments"]]
  payment_outbox     = var.table_arns["payment-outbox"]
}

data "aws_iam_policy_document" "readiness" {
  statement {
    sid       = "ReadinessProbes"
    effect    = "Allow"
    actions   = ["dynamodb:ListTables", "sqs:ListQueues"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "reservation" {
  source_policy_documents = [data.aws_iam_policy_document.readiness.json]

  statement {
    sid       = "ReservationTables"
    effect    = "Allow"
    actions   = concat(local.item_read, local.item_write)
    resources = concat(local.reservation_tables, [for arn in local.reservation_tables : "${arn}/index/*"])
  }

  # The kit outbox's relay: BatchWriteItem deletes records once published, Scan is the sweep
  # that publishes what a dead writer left (its records are Put inside the change's transaction,
  # covered above). Without these the relay is denied and every event is sent again by the sweep.
  statement {
    sid       = "OutboxRelay"
    effect    = "Allow"
    actions   = ["dynamodb:BatchWriteItem", "dynamodb:Scan"]
    resources = [var.table_arns["outbox"]]
  }

  statement {
    sid       = "OutboxAndTimerToEventQueue"
    effect    = "Allow"
    actions   = local.send
    resources = [var.events_queue_arn]
  }

  statement {
    sid       = "HoldExpirySchedules"
    effect    = "Allow"
    actions   = ["scheduler:CreateSchedule", "scheduler:DeleteSchedule"]
    resources = ["${replace(var.scheduler_group_arn, ":schedule-group/", ":schedule/")}/*"]
  }

  statement {
    sid       = "HandTheSchedulerItsRole"
    effect    = "Allow"
    actions   = ["iam:PassRole"]
    resources = [var.scheduler_role_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["scheduler.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "inventory" {
  source_policy_documents = [data.aws_iam_policy_document.readiness.json]

  statement {
    sid       = "InventoryTables"
    effect    = "Allow"
    actions   = concat(local.item_read, local.item_write, ["dynamodb:BatchWriteItem"])
    resources = concat(local.inventory_tables, [for arn in local.inventory_tables : "${arn}/index/*"])
  }
}

data "aws_iam_policy_document" "payment" {
  source_policy_documents = [data.aws_iam_policy_document.readiness.json]

  statement {
    sid       = "PaymentTable"
    effect    = "Allow"
    actions   = concat(local.item_read, local.item_write)
    resources = concat(local.payment_tables, [for arn in local.payment_tables : "${arn}/index/*"])
  }

  # The kit outbox (kit/src/outbox.ts) touches its table three ways only: PutItem for the record,
  # inside the outcome's transaction; BatchWriteItem to delete records once published; Scan for
  # the sweep that publishes what a dead writer left.
  statement {
    sid       = "PaymentOutbox"
    effect    = "Allow"
    actions   = ["dynamodb:PutItem", "dynamodb:BatchWriteItem", "dynamodb:Scan"]
    resources = [local.payment_outbox]
  }

  statement {
    sid       = "PaymentEventsToQueue"
    effect    = "Allow"
    actions   = local.send
    resources = [var.events_queue_arn]
  }
}

data "aws_iam_policy_document" "worker" {
  source_policy_documents = [data.aws_iam_policy_document.readiness.json]

  statement {
    sid       = "ConsumeEventsAndWatchDlq"
    effect    = "Allow"
    actions   = local.consume
    resources = [var.events_queue_arn, var.events_dlq_arn]
  }
}

# KEDA's operator reads the queue depth to scale the worker; nothing else.
data "aws_iam_policy_document" "keda" {
  statement {
    sid       = "QueueDepth"
    effect    = "Allow"
    actions   = ["sqs:GetQueueAttributes"]
    resources = [var.events_queue_arn]
  }
}
