output "configuration_endpoint" {
  description = "Cluster configuration endpoint (host) the cluster-aware client discovers shards from."
  value       = aws_elasticache_replication_group.this.configuration_endpoint_address
}

output "port" {
  description = "Redis port."
  value       = aws_elasticache_replication_group.this.port
}

output "auth_token" {
  description = "AUTH token clients send; stored in the tt-redis Kubernetes secret."
  value       = random_password.auth.result
  sensitive   = true
}

output "memory_alarm_names" {
  description = "The per-node memory alarms (CloudWatch)."
  value       = [for alarm in aws_cloudwatch_metric_alarm.memory : alarm.alarm_name]
}
