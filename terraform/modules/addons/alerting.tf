# Where Alertmanager sends the alerts of deploy/k8s/base/alerts.yaml. Every alert goes to the
# alerts SNS topic (the one the CloudWatch alarms use, so one subscription list reaches a person)
# and to Slack when a webhook is given; severity=page also goes to PagerDuty when a routing key
# is given. The Slack webhook and PagerDuty key are read from a Secret mounted into Alertmanager
# (…_file settings), so they never appear in the Alertmanager config or in a ConfigMap.
# Grouping is tuned for a drop: the first notice after 10 s, changes within a minute.

locals {
  alert_secret_name = "alertmanager-receivers"
  alert_secret_dir  = "/etc/alertmanager/secrets/${local.alert_secret_name}"
  # Whether a receiver is configured is no secret (its URL or key is).
  slack     = nonsensitive(var.alert_secrets.slack_webhook_url != null)
  pagerduty = nonsensitive(var.alert_secrets.pagerduty_routing_key != null)
  sns       = var.alerts_topic_arn != null

  alertmanager_values = {
    serviceAccount = { create = true, name = "alertmanager" }
    alertmanagerSpec = {
      secrets      = [local.alert_secret_name]
      nodeSelector = { "traffic-tacos/capacity" = "on_demand" }
      replicas     = 2
    }
    config = {
      route = {
        receiver        = "notify"
        group_by        = ["alertname", "app", "service", "pod"]
        group_wait      = "10s"
        group_interval  = "1m"
        repeat_interval = "2h"
        routes = [
          # kube-prometheus-stack's always-firing heartbeat: wire it to a dead-man's switch if any.
          { matchers = ["alertname = \"Watchdog\""], receiver = "null" },
          { matchers = ["severity = \"page\""], receiver = "page", continue = true },
          { receiver = "notify" },
        ]
      }
      receivers = [
        { name = "null" },
        {
          name = "notify"
          sns_configs = local.sns ? [{
            topic_arn     = var.alerts_topic_arn
            sigv4         = { region = var.region }
            subject       = "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}"
            send_resolved = true
          }] : []
          slack_configs = local.slack ? [{
            api_url_file  = "${local.alert_secret_dir}/slack-webhook-url"
            channel       = var.alert_slack_channel
            send_resolved = true
          }] : []
        },
        {
          name = "page"
          pagerduty_configs = local.pagerduty ? [{
            routing_key_file = "${local.alert_secret_dir}/pagerduty-routing-key"
            send_resolved    = true
          }] : []
        },
      ]
    }
  }
}

resource "kubernetes_namespace_v1" "monitoring" {
  metadata {
    name = "monitoring"
  }
}

resource "kubernetes_secret_v1" "alert_receivers" {
  metadata {
    name      = local.alert_secret_name
    namespace = kubernetes_namespace_v1.monitoring.metadata[0].name
  }

  # A placeholder when unset: the files exist, and no receiver that would read them is configured.
  data = {
    "slack-webhook-url"     = coalesce(var.alert_secrets.slack_webhook_url, "unset")
    "pagerduty-routing-key" = coalesce(var.alert_secrets.pagerduty_routing_key, "unset")
  }
}

# Alertmanager publishes to the alerts topic with its own Pod Identity role (SigV4), nothing else.
data "aws_iam_policy_document" "alertmanager" {
  count = local.sns ? 1 : 0

  statement {
    sid       = "PublishAlerts"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [var.alerts_topic_arn]
  }
}

module "alertmanager_identity" {
  source = "../pod-identity"
  count  = local.sns ? 1 : 0

  name            = "${var.cluster_name}-alertmanager"
  cluster_name    = var.cluster_name
  namespace       = kubernetes_namespace_v1.monitoring.metadata[0].name
  service_account = local.alertmanager_values.serviceAccount.name
  policy_json     = data.aws_iam_policy_document.alertmanager[0].json
  tags            = var.tags
}
