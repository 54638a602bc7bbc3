output "alarm_names" {
  description = "Every alarm this module made (the runbook's list of CloudWatch alarms)."
  value = concat(
    [for alarm in aws_cloudwatch_metric_alarm.dynamodb_throttles : alarm.alarm_name],
    [aws_cloudwatch_metric_alarm.dlq_depth.alarm_name, aws_cloudwatch_metric_alarm.alb_5xx.alarm_name, aws_cloudwatch_metric_alarm.cdn_5xx.alarm_name],
  )
}
