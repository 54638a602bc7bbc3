# KEDA scales the worker on the event queue's depth (ScaledObject in deploy/k8s). Its operator
# reads SQS with its own Pod Identity role (service-roles module: sqs:GetQueueAttributes only).

resource "helm_release" "keda" {
  name             = "keda"
  namespace        = "keda"
  create_namespace = true
  repository       = "https://kedacore.github.io/charts"
  chart            = "keda"
  version          = var.chart_versions.keda
  wait             = true

  values = [yamlencode({
    serviceAccount = { operator = { name = "keda-operator" } }
    podIdentity    = { aws = { irsa = { enabled = false } } }
    nodeSelector   = { "traffic-tacos/capacity" = "on_demand" }
  })]
}
