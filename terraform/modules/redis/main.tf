# ElastiCache Redis in cluster mode: the waiting room, rate limits and seat-map cache shard by the
# `{evt_...}` hash tag, so one event's keys stay on one slot while events spread over shards.
# TLS is required in transit, clients authenticate with an AUTH token, every shard has a replica
# in another AZ with automatic failover. Keys are never evicted (noeviction): every key the
# platform writes has a lifetime or a bound, and an alarm fires long before memory runs out.

resource "random_password" "auth" {
  length  = 64
  special = false
}

resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids

  tags = var.tags
}

resource "aws_security_group" "redis" {
  name        = "${var.name}-redis"
  description = "Redis from the EKS nodes only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-redis" })
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_nodes" {
  for_each = toset(var.client_security_group_ids)

  security_group_id            = aws_security_group.redis.id
  description                  = "Redis TLS from the EKS nodes"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

resource "aws_elasticache_parameter_group" "this" {
  name   = "${var.name}-redis7-cluster"
  family = "redis7"

  parameter {
    name  = "cluster-enabled"
    value = "yes"
  }

  # Never evict: an evicted key is a buyer's place in line, an admission or a line's settings
  # silently gone. Full memory refuses writes instead (the gateway answers 503), which the
  # memory alarm below announces long before; every key the platform writes has a lifetime or a
  # bound (docs/architecture.md, "Redis keys and hash tags").
  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }

  tags = var.tags
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = var.name
  description          = "Traffic Tacos waiting room, rate limits, idempotency and seat-map cache"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  port                 = 6379
  parameter_group_name = aws_elasticache_parameter_group.this.name
  subnet_group_name    = aws_elasticache_subnet_group.this.name
  security_group_ids   = [aws_security_group.redis.id]

  cluster_mode            = "enabled"
  num_node_groups         = var.shards
  replicas_per_node_group = var.replicas_per_shard

  automatic_failover_enabled = true
  multi_az_enabled           = true
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  at_rest_encryption_enabled = true
  auth_token                 = random_password.auth.result
  auth_token_update_strategy = "ROTATE"

  # Windows at 02:00–04:00 KST (UTC+9), outside sale hours: a failover or a snapshot fork never
  # lands in the middle of a drop.
  snapshot_retention_limit   = 3
  snapshot_window            = "17:00-18:00"
  maintenance_window         = "tue:18:30-tue:19:30"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  tags = var.tags
}

locals {
  # Node ids of a cluster-mode replication group: <group>-<shard, 4 digits>-<node, 3 digits>.
  node_ids = flatten([
    for shard in range(1, var.shards + 1) : [
      for node in range(1, var.replicas_per_shard + 2) : format("%s-%04d-%03d", var.name, shard, node)
    ]
  ])
}

# One alarm per node (primaries and replicas: a replica promoted by a failover is the next
# primary). DatabaseMemoryUsagePercentage is used memory over maxmemory; at 100 % a noeviction
# Redis refuses writes.
resource "aws_cloudwatch_metric_alarm" "memory" {
  for_each = toset(local.node_ids)

  alarm_name          = "${each.value}-memory"
  alarm_description   = "Redis node ${each.value} uses over ${var.memory_alarm_percent} % of its memory. Nothing is evicted (noeviction): when it is full, writes fail and the waiting room answers 503. Add shards or a larger node type."
  namespace           = "AWS/ElastiCache"
  metric_name         = "DatabaseMemoryUsagePercentage"
  dimensions          = { CacheClusterId = each.value }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = var.memory_alarm_percent
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "missing"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  tags = var.tags

  depends_on = [aws_elasticache_replication_group.this]
}

# noeviction makes an eviction impossible; one means the parameter group is not applied (a
# default group after a restore, say), and buyers' places can vanish without a trace.
resource "aws_cloudwatch_metric_alarm" "evictions" {
  for_each = toset(local.node_ids)

  alarm_name          = "${each.value}-evictions"
  alarm_description   = "Redis node ${each.value} evicted keys although the platform runs noeviction: check the node's parameter group (maxmemory-policy) at once."
  namespace           = "AWS/ElastiCache"
  metric_name         = "Evictions"
  dimensions          = { CacheClusterId = each.value }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  tags = var.tags

  depends_on = [aws_elasticache_replication_group.this]
}
