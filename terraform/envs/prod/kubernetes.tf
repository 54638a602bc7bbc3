# The application namespace. Everything else in it comes from deploy/k8s (kubectl apply -k),
# configured by the outputs (outputs.tf); its secrets come from Secrets Manager (secrets.tf).

resource "kubernetes_namespace_v1" "app" {
  metadata {
    name = local.namespace
  }

  depends_on = [module.eks]
}
