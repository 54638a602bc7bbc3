# Traces and logs leave the pods (deploy/k8s/base/telemetry.yaml, deploy/k8s/platform/fluent-bit.yaml):
# the trace sampler writes to X-Ray and Fluent Bit to one CloudWatch Logs group, each with its own
# Pod Identity role and nothing more.

variable "container_log_retention_days" {
  description = "Days CloudWatch Logs keeps the containers' logs (one of CloudWatch's allowed values)."
  type        = number
  default     = 30
}

resource "aws_cloudwatch_log_group" "containers" {
  name              = "/aws/eks/${local.cluster_name}/containers"
  retention_in_days = var.container_log_retention_days

  tags = local.tags
}

# Streams are made per pod and container as they appear; the group itself only by Terraform.
data "aws_iam_policy_document" "fluent_bit" {
  statement {
    sid       = "ShipContainerLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.containers.arn}:*"]
  }
}

module "fluent_bit_identity" {
  source = "../../modules/pod-identity"

  name            = "${local.name}-fluent-bit"
  cluster_name    = module.eks.cluster_name
  namespace       = "logging"
  service_account = "fluent-bit"
  policy_json     = data.aws_iam_policy_document.fluent_bit.json
  tags            = local.tags
}

# X-Ray's write calls take no resource ARN; AWS's write-only policy grants just those.
module "otel_sampler_identity" {
  source = "../../modules/pod-identity"

  name                = "${local.name}-otel-sampler"
  cluster_name        = module.eks.cluster_name
  namespace           = local.namespace
  service_account     = "otel-sampler"
  managed_policy_arns = ["arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"]
  tags                = local.tags
}
