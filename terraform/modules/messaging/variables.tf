variable "stage" {
  description = "Resource name prefix; must equal the services' STAGE (queues are <stage>-events and <stage>-events-dlq)."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
