# external-dns points the API hostname of the Ingress at its ALB, so CloudFront's API origin
# resolves without a second terraform apply. It may change records in one zone only.

data "aws_iam_policy_document" "external_dns" {
  statement {
    sid       = "ChangeRecordsInOneZone"
    effect    = "Allow"
    actions   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"]
    resources = ["arn:aws:route53:::hostedzone/${var.hosted_zone_id}"]
  }

  statement {
    sid       = "FindZones"
    effect    = "Allow"
    actions   = ["route53:ListHostedZones"]
    resources = ["*"]
  }
}

module "external_dns_identity" {
  source = "../pod-identity"

  name            = "${var.cluster_name}-external-dns"
  cluster_name    = var.cluster_name
  namespace       = "kube-system"
  service_account = "external-dns"
  policy_json     = data.aws_iam_policy_document.external_dns.json
  tags            = var.tags
}

resource "helm_release" "external_dns" {
  name       = "external-dns"
  namespace  = "kube-system"
  repository = "https://kubernetes-sigs.github.io/external-dns/"
  chart      = "external-dns"
  version    = var.chart_versions.external_dns
  wait       = true

  values = [yamlencode({
    provider       = { name = "aws" }
    policy         = "upsert-only"
    domainFilters  = [var.domain_filter]
    txtOwnerId     = var.cluster_name
    sources        = ["ingress"]
    serviceAccount = { name = "external-dns" }
    nodeSelector   = { "traffic-tacos/capacity" = "on_demand" }
  })]

  depends_on = [module.external_dns_identity]
}
