variable "name" {
  description = "Prefix of the alarm names (the stage's resource prefix, e.g. tt-prod)."
  type        = string
}

variable "table_names" {
  description = "DynamoDB tables watched for throttling, by logical name."
  type        = map(string)
}

variable "dlq_name" {
  description = "Dead-letter queue of the event queue."
  type        = string
}

variable "distribution_id" {
  description = "CloudFront distribution of the web app and the API."
  type        = string
}

variable "alarm_actions" {
  description = "SNS topics (in the stack's region) the regional alarms notify, on alarm and on recovery."
  type        = list(string)
}

variable "edge_alarm_actions" {
  description = "SNS topics in us-east-1 the CloudFront alarm notifies (CloudWatch only publishes to a topic in the alarm's own region)."
  type        = list(string)
}

variable "cdn_5xx_percent" {
  description = "Share of CloudFront responses that are 5xx (percent) at which the edge alarm fires."
  type        = number
  default     = 1
}

variable "alb_5xx_per_minute" {
  description = "5xx answers the load balancers themselves produce per minute (no healthy target, timeouts) at which the ALB alarm fires."
  type        = number
  default     = 60
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
