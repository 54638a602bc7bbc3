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
