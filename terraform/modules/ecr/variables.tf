variable "prefix" {
  description = "Repository namespace, e.g. traffic-tacos (repositories are <prefix>/<service>)."
  type        = string
}

variable "repositories" {
  description = "Service names that get a repository."
  type        = list(string)
  default     = ["gateway", "reservation", "inventory", "payment", "worker"]
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
