variable "cluster_name" {
  description = "EKS cluster the add-ons are installed into."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cluster (the load balancer controller needs it)."
  type        = string
}

variable "region" {
  description = "AWS region of the cluster."
  type        = string
}

variable "karpenter_interruption_queue_name" {
  description = "SQS queue of spot interruption events Karpenter watches."
  type        = string
}

variable "hosted_zone_id" {
  description = "Route 53 zone external-dns may write the API record into (and no other)."
  type        = string
}

variable "domain_filter" {
  description = "Domain external-dns manages, e.g. tickets.example.com."
  type        = string
}

variable "chart_versions" {
  description = "Pinned Helm chart versions; bump deliberately, one at a time."
  type = object({
    karpenter                    = string
    aws_load_balancer_controller = string
    keda                         = string
    kube_prometheus_stack        = string
    external_dns                 = string
  })
  default = {
    # 1.11 supports Kubernetes 1.29–1.35 (1.8 stopped at 1.34).
    karpenter                    = "1.11.1"
    aws_load_balancer_controller = "1.14.0"
    keda                         = "2.18.0"
    kube_prometheus_stack        = "79.0.1"
    external_dns                 = "1.19.0"
  }
}

variable "prometheus_retention" {
  description = "How long Prometheus keeps samples."
  type        = string
  default     = "15d"
}

variable "alerts_topic_arn" {
  description = "SNS topic every alert is published to (the CloudWatch alarms' topic); null for none."
  type        = string
  default     = null
}

variable "alert_slack_channel" {
  description = "Slack channel of the webhook in alert_secrets (null: the webhook's own channel)."
  type        = string
  default     = null
}

variable "alert_secrets" {
  description = "A Slack incoming-webhook URL (every alert) and a PagerDuty Events v2 routing key (severity=page); null leaves one out."
  type = object({
    slack_webhook_url     = optional(string)
    pagerduty_routing_key = optional(string)
  })
  default   = {}
  sensitive = true
}

variable "tags" {
  description = "Tags added to every AWS resource."
  type        = map(string)
  default     = {}
}
