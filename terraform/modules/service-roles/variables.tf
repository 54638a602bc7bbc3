variable "name" {
  description = "Role name prefix, e.g. tt-prod."
  type        = string
}

variable "cluster_name" {
  description = "EKS cluster the pods run in."
  type        = string
}

variable "namespace" {
  description = "Namespace of the service accounts (the manifests' namespace)."
  type        = string
}

variable "table_arns" {
  description = "DynamoDB table ARNs by logical name (from the dynamodb module)."
  type        = map(string)
}

variable "events_queue_arn" {
  description = "ARN of the event queue."
  type        = string
}

variable "events_dlq_arn" {
  description = "ARN of the dead-letter queue."
  type        = string
}

variable "scheduler_group_arn" {
  description = "ARN of the hold-expiry schedule group."
  type        = string
}

variable "scheduler_role_arn" {
  description = "Role EventBridge Scheduler assumes; the reservation service may pass it and nothing else."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
