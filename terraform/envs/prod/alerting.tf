# Who hears about trouble: Alertmanager (the in-cluster rules) and the CloudWatch alarms both reach
# the alerts SNS topic (main.tf); Alertmanager also reaches Slack and PagerDuty when given their
# secrets here. Subscribe the on-call rotation to the topic (alert_email, or an SMS/HTTPS endpoint).

variable "alert_slack_webhook_url" {
  description = "Slack incoming-webhook URL that receives every alert; null for none."
  type        = string
  default     = null
  sensitive   = true
}

variable "alert_slack_channel" {
  description = "Slack channel for alerts (null: the webhook's own channel)."
  type        = string
  default     = null
}

variable "alert_pagerduty_routing_key" {
  description = "PagerDuty Events v2 routing key that receives severity=page alerts; null for none."
  type        = string
  default     = null
  sensitive   = true
}

# CloudWatch publishes only to a topic in the alarm's region, and CloudFront's metrics are in
# us-east-1: the edge alarm gets this twin of the alerts topic, with the same subscription.
resource "aws_sns_topic" "alerts_us_east_1" {
  provider = aws.us_east_1

  name = "${local.name}-alerts"
}

resource "aws_sns_topic_subscription" "alerts_us_east_1_email" {
  provider = aws.us_east_1
  count    = var.alert_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alerts_us_east_1.arn
  protocol  = "email"
  endpoint  = var.alert_email
}

module "alarms" {
  source = "../../modules/alarms"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name               = local.name
  table_names        = module.dynamodb.table_names
  dlq_name           = module.messaging.events_dlq_name
  distribution_id    = module.web.distribution_id
  alarm_actions      = [aws_sns_topic.alerts.arn]
  edge_alarm_actions = [aws_sns_topic.alerts_us_east_1.arn]
}
