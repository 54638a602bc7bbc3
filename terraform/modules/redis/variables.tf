variable "name" {
  description = "Replication group ID and resource name prefix."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets, one per AZ; primaries and replicas are spread across them."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect (the EKS node security group)."
  type        = list(string)
}

variable "engine_version" {
  description = "Redis engine version."
  type        = string
  default     = "7.1"
}

variable "node_type" {
  description = "Graviton cache node type."
  type        = string
  default     = "cache.r7g.large"
}

variable "shards" {
  description = "Number of shards (node groups); each takes a share of the 16,384 hash slots."
  type        = number
  default     = 3
}

variable "replicas_per_shard" {
  description = "Replicas per shard, placed in other AZs for failover."
  type        = number
  default     = 1

  validation {
    condition     = var.replicas_per_shard >= 1
    error_message = "Multi-AZ failover needs at least one replica per shard."
  }
}

variable "memory_alarm_percent" {
  description = "DatabaseMemoryUsagePercentage at which a node's memory alarm fires (nothing is evicted: at 100 % writes fail)."
  type        = number
  default     = 75

  validation {
    condition     = var.memory_alarm_percent > 0 && var.memory_alarm_percent < 100
    error_message = "The alarm must fire before memory is full."
  }
}

variable "alarm_actions" {
  description = "Where the memory alarms notify (SNS topic ARNs), on alarm and on recovery."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
