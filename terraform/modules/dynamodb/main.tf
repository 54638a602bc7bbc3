# On-demand tables: a drop goes from idle to thousands of writes per second in seconds, faster
# than provisioned auto scaling reacts; keys already spread one hot event over many partitions.
# TTL only tidies expired idempotency and outbox records and the marks of abandoned reservation
# ids: the code never relies on it for correctness (DynamoDB deletes up to 48 h late;
# docs/architecture.md, "DynamoDB tables").

resource "aws_dynamodb_table" "this" {
  for_each = local.tables

  name                        = "${var.stage}-${each.key}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = each.value.hash_key
  range_key                   = each.value.range_key
  deletion_protection_enabled = var.deletion_protection

  dynamic "attribute" {
    for_each = toset(concat([each.value.hash_key, each.value.range_key], flatten([for index in each.value.indexes : [index.hash_key, index.range_key]])))

    content {
      name = attribute.value
      type = "S"
    }
  }

  # Pre-warmed capacity: an on-demand table starts able to serve about 4,000 writes/s and only
  # doubles its peak over time; a drop needs the cost model's rate from its first second.
  dynamic "warm_throughput" {
    for_each = lookup(var.warm_throughput, each.key, null) == null ? [] : [var.warm_throughput[each.key]]

    content {
      read_units_per_second  = warm_throughput.value.reads
      write_units_per_second = warm_throughput.value.writes
    }
  }

  dynamic "global_secondary_index" {
    for_each = each.value.indexes

    content {
      name            = global_secondary_index.value.name
      hash_key        = global_secondary_index.value.hash_key
      range_key       = global_secondary_index.value.range_key
      projection_type = "ALL"

      dynamic "warm_throughput" {
        for_each = lookup(var.warm_throughput, each.key, null) == null ? [] : [var.warm_throughput[each.key]]

        content {
          read_units_per_second  = warm_throughput.value.reads
          write_units_per_second = warm_throughput.value.writes
        }
      }
    }
  }

  dynamic "ttl" {
    for_each = each.value.ttl_attribute == null ? [] : [each.value.ttl_attribute]

    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = merge(var.tags, { Table = each.key })
}
