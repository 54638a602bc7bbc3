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

variable "warm_throughput" {
  description = "Warm throughput (units per second) of tables and their indexes by logical name; tables not listed keep on-demand's start. Raising it takes minutes and cannot be lowered: set it days before a sale."
  type        = map(object({ reads = number, writes = number }))
  default     = {}
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
