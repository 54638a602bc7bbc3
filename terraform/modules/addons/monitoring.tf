# In-cluster Prometheus, Alertmanager and Grafana (kube-prometheus-stack). Chosen over AMP/AMG:
# no per-sample ingestion bill during a drop, no IAM Identity Center prerequisite for Grafana,
# and the same PrometheusRule/ServiceMonitor objects work on any cluster. Prometheus picks up
# every ServiceMonitor and PrometheusRule; Grafana loads every ConfigMap labelled
# grafana_dashboard=1 (the Traffic Tacos dashboard ships that way from deploy/k8s).

resource "random_password" "grafana_admin" {
  length  = 32
  special = false
}

resource "kubernetes_storage_class_v1" "gp3" {
  metadata {
    name = "gp3"
  }

  storage_provisioner    = "ebs.csi.aws.com"
  volume_binding_mode    = "WaitForFirstConsumer"
  allow_volume_expansion = true
  reclaim_policy         = "Delete"

  parameters = {
    type      = "gp3"
    encrypted = "true"
  }
}

resource "helm_release" "monitoring" {
  name             = "monitoring"
  namespace        = "monitoring"
  create_namespace = true
  repository       = "https://prometheus-community.github.io/helm-charts"
  chart            = "kube-prometheus-stack"
  version          = var.chart_versions.kube_prometheus_stack
  timeout          = 900

  values = [yamlencode({
    prometheus = {
      prometheusSpec = {
        retention                               = var.prometheus_retention
        scrapeInterval                          = "15s"
        serviceMonitorSelectorNilUsesHelmValues = false
        podMonitorSelectorNilUsesHelmValues     = false
        ruleSelectorNilUsesHelmValues           = false
        nodeSelector                            = { "traffic-tacos/capacity" = "on_demand" }
        resources = {
          requests = { cpu = "1", memory = "4Gi" }
          limits   = { memory = "8Gi" }
        }
        storageSpec = {
          volumeClaimTemplate = {
            spec = {
              storageClassName = kubernetes_storage_class_v1.gp3.metadata[0].name
              accessModes      = ["ReadWriteOnce"]
              resources        = { requests = { storage = "100Gi" } }
            }
          }
        }
      }
    }
    alertmanager = local.alertmanager_values
    grafana = {
      adminPassword = random_password.grafana_admin.result
      nodeSelector  = { "traffic-tacos/capacity" = "on_demand" }
      sidecar = {
        dashboards = { enabled = true, label = "grafana_dashboard", labelValue = "1", searchNamespace = "ALL" }
      }
    }
  })]

  # Alertmanager mounts the receivers' Secret and publishes with its Pod Identity role.
  depends_on = [kubernetes_secret_v1.alert_receivers, module.alertmanager_identity]
}
