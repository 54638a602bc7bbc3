# One Pod Identity role per service account that calls AWS.

locals {
  roles = {
    reservation = { namespace = var.namespace, service_account = "reservation", policy = data.aws_iam_policy_document.reservation.json }
    inventory   = { namespace = var.namespace, service_account = "inventory", policy = data.aws_iam_policy_document.inventory.json }
    payment     = { namespace = var.namespace, service_account = "payment", policy = data.aws_iam_policy_document.payment.json }
    worker      = { namespace = var.namespace, service_account = "worker", policy = data.aws_iam_policy_document.worker.json }
    keda        = { namespace = "keda", service_account = "keda-operator", policy = data.aws_iam_policy_document.keda.json }
  }
}

module "role" {
  source   = "../pod-identity"
  for_each = local.roles

  name            = "${var.name}-${each.key}"
  cluster_name    = var.cluster_name
  namespace       = each.value.namespace
  service_account = each.value.service_account
  policy_json     = each.value.policy
  tags            = var.tags
}
