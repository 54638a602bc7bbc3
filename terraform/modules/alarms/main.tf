# CloudWatch alarms for what Prometheus cannot see from inside the pods: DynamoDB throttling, the
# DLQ, 5xx made by the ALB itself or by CloudFront. Redis memory and evictions are alarmed per node
# in modules/redis. Periods are one minute, firing on two of three: a drop is over in minutes.

resource "aws_cloudwatch_metric_alarm" "dynamodb_throttles" {
  for_each = var.table_names

  alarm_name          = "${var.name}-dynamodb-${each.key}-throttled"
  alarm_description   = "DynamoDB throttled requests on ${each.value} (reads or writes, table or index): a hot partition or warm throughput below the drop's rate. Buyers see 503 OVERLOADED. Raise warm_throughput before the next sale; look for a hot key."
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  metric_query {
    id          = "throttled"
    expression  = "reads + writes"
    label       = "Throttle events"
    return_data = true
  }

  # The read and the write throttle events, each summed per minute.
  dynamic "metric_query" {
    for_each = { reads = "ReadThrottleEvents", writes = "WriteThrottleEvents" }

    content {
      id = metric_query.key

      metric {
        namespace   = "AWS/DynamoDB"
        metric_name = metric_query.value
        dimensions  = { TableName = each.value }
        period      = 60
        stat        = "Sum"
      }
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "dlq_depth" {
  alarm_name          = "${var.name}-events-dlq-not-empty"
  alarm_description   = "Events in ${var.dlq_name} failed every retry (the worker's DeadLetterQueueNotEmpty alert says the same from inside). Inspect them and redrive with start-message-move-task."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.dlq_name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  tags = var.tags
}

# The ALB is made by the Load Balancer Controller from the Ingress, so Terraform does not know its
# LoadBalancer dimension: a Metrics Insights query sums over the region's ALBs (this account runs
# one stage). Only the ALB's own 5xx: the pods' 5xx are HighErrorRate in Prometheus.
resource "aws_cloudwatch_metric_alarm" "alb_5xx" {
  alarm_name          = "${var.name}-alb-5xx"
  alarm_description   = "The ALB answers 5xx itself (502/503/504: no healthy gateway pod, or pods too slow): buyers get errors the gateway never saw. Check the gateway pods, their readiness and the target group."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alb_5xx_per_minute
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  metric_query {
    id          = "alb5xx"
    expression  = "SELECT SUM(HTTPCode_ELB_5XX_Count) FROM SCHEMA(\"AWS/ApplicationELB\", LoadBalancer)"
    period      = 60
    label       = "ALB-generated 5xx"
    return_data = true
  }

  tags = var.tags
}

# CloudFront's metrics live in us-east-1, so this alarm and the topic it notifies do too.
resource "aws_cloudwatch_metric_alarm" "cdn_5xx" {
  provider = aws.us_east_1

  alarm_name          = "${var.name}-cloudfront-5xx"
  alarm_description   = "Over ${var.cdn_5xx_percent} % of CloudFront responses are 5xx (origin errors or unreachable origin): what buyers see, web app and API alike."
  namespace           = "AWS/CloudFront"
  metric_name         = "5xxErrorRate"
  dimensions          = { DistributionId = var.distribution_id, Region = "Global" }
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = var.cdn_5xx_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.edge_alarm_actions
  ok_actions          = var.edge_alarm_actions

  tags = var.tags
}
