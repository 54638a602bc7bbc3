output "events_queue_url" {
  description = "URL of the event queue (EVENTS_QUEUE_URL)."
  value       = aws_sqs_queue.events.url
}

output "events_queue_arn" {
  description = "ARN of the event queue (EVENTS_QUEUE_ARN, the Scheduler target)."
  value       = aws_sqs_queue.events.arn
}

output "events_queue_name" {
  description = "Name of the event queue."
  value       = aws_sqs_queue.events.name
}

output "events_dlq_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.events_dlq.url
}

output "events_dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.events_dlq.arn
}

output "scheduler_group_name" {
  description = "Schedule group of the hold-expiry schedules (SCHEDULER_GROUP)."
  value       = aws_scheduler_schedule_group.holds.name
}

output "scheduler_group_arn" {
  description = "ARN of the hold-expiry schedule group."
  value       = aws_scheduler_schedule_group.holds.arn
}

output "scheduler_role_arn" {
  description = "Role EventBridge Scheduler assumes to deliver expiries (SCHEDULER_ROLE_ARN)."
  value       = aws_iam_role.scheduler.arn
}

output "events_dlq_name" {
  description = "Name of the dead-letter queue (its depth alarm)."
  value       = aws_sqs_queue.events_dlq.name
}
