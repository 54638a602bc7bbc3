# EKS-managed add-ons. Pod Identity's agent is what lets every service account get its own role;
# metrics-server feeds KEDA's CPU triggers; the EBS CSI driver gives Prometheus its volume.

module "ebs_csi_identity" {
  source = "../pod-identity"

  name                = "${var.cluster_name}-ebs-csi"
  cluster_name        = aws_eks_cluster.this.name
  namespace           = "kube-system"
  service_account     = "ebs-csi-controller-sa"
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]
  tags                = var.tags
}

locals {
  addons = toset(["vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent", "metrics-server", "aws-ebs-csi-driver"])
}

# Change freeze: an add-on runs the version pinned in addon_versions, else AWS's default for
# the cluster's Kubernetes version (never "most recent", which moves under a running sale).
data "aws_eks_addon_version" "default" {
  for_each = local.addons

  addon_name         = each.key
  kubernetes_version = aws_eks_cluster.this.version
  most_recent        = false
}

resource "aws_eks_addon" "this" {
  for_each = local.addons

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = lookup(var.addon_versions, each.key, data.aws_eks_addon_version.default[each.key].version)
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "PRESERVE"
  # The VPC CNI enforces the NetworkPolicies of deploy/k8s (only the services' call graph).
  configuration_values = each.key == "vpc-cni" ? jsonencode({ enableNetworkPolicy = "true" }) : null

  tags = var.tags

  # coredns, metrics-server and the EBS controller are Deployments: they need nodes first.
  depends_on = [aws_eks_node_group.this, module.ebs_csi_identity]
}
