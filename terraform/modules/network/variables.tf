variable "name" {
  description = "Prefix of every resource name, e.g. tt-prod."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 range of the VPC; /16 leaves room for pod IPs (the VPC CNI gives pods VPC addresses)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "availability_zones" {
  description = "Exactly three availability zones; every tier (nodes, Redis, endpoints) spreads over them."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) == 3
    error_message = "Use exactly three availability zones (docs/spec.md, Targets: 99.9 % multi-AZ)."
  }
}

variable "cluster_name" {
  description = "EKS cluster name, used in the subnet tags the load balancer controller and Karpenter discover."
  type        = string
}

variable "single_nat_gateway" {
  description = "One NAT gateway instead of one per AZ: cheaper, but an AZ outage cuts egress for the others."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
