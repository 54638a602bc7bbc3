# EventBridge Scheduler for hold expiry (EXPIRY_TIMER=scheduler in the reservation service): a
# schedule group for the one-time `at(...)` schedules, and the role Scheduler assumes to deliver
# them. That role can do exactly one thing: sqs:SendMessage to the event queue.

data "aws_caller_identity" "current" {}

resource "aws_scheduler_schedule_group" "holds" {
  name = "${var.stage}-holds"

  tags = var.tags
}

data "aws_iam_policy_document" "scheduler_trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    # Only schedules of this account's hold group may use the role (confused-deputy guard).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [aws_scheduler_schedule_group.holds.arn]
    }
  }
}

data "aws_iam_policy_document" "scheduler_send" {
  statement {
    sid       = "SendToEventQueue"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.events.arn]
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${var.stage}-scheduler-holds"
  assume_role_policy = data.aws_iam_policy_document.scheduler_trust.json

  tags = var.tags
}

resource "aws_iam_role_policy" "scheduler_send" {
  name   = "send-to-event-queue"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler_send.json
}
