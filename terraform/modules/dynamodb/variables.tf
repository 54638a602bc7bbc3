variable "stage" {
  description = "Table name prefix; must equal the services' STAGE (tables are named <stage>-<table>)."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse DeleteTable (turn off only to tear an environment down)."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for encryption at rest; null uses the AWS-managed DynamoDB key."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
