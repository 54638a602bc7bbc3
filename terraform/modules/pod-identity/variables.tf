variable "name" {
  description = "IAM role name."
  type        = string
}

variable "cluster_name" {
  description = "EKS cluster whose pods may assume the role."
  type        = string
}

variable "namespace" {
  description = "Kubernetes namespace of the service account."
  type        = string
}

variable "service_account" {
  description = "Kubernetes service account the role is bound to; no other pod can assume it."
  type        = string
}

variable "policy_json" {
  description = "Inline policy (an aws_iam_policy_document JSON) granting exactly what the pod calls; null for none."
  type        = string
  default     = null
}

variable "managed_policy_arns" {
  description = "AWS-managed policies to attach (for add-ons whose upstream publishes one)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
