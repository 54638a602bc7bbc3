# Karpenter's controller runs on the managed on-demand nodes (never on nodes it may remove); its
# NodePool and EC2NodeClass live with the manifests (deploy/k8s/platform).

resource "helm_release" "karpenter" {
  name       = "karpenter"
  namespace  = "kube-system"
  repository = "oci://public.ecr.aws/karpenter"
  chart      = "karpenter"
  version    = var.chart_versions.karpenter
  wait       = true

  values = [yamlencode({
    settings = {
      clusterName       = var.cluster_name
      interruptionQueue = var.karpenter_interruption_queue_name
    }
    serviceAccount = { name = "karpenter" }
    replicas       = 2
    nodeSelector   = { "traffic-tacos/capacity" = "on_demand" }
    controller = {
      resources = {
        requests = { cpu = "500m", memory = "512Mi" }
        limits   = { memory = "1Gi" }
      }
    }
  })]
}
