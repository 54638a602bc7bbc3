# The application's secrets live in AWS Secrets Manager (one JSON secret) and reach the cluster
# through the External Secrets Operator, which copies them into the `tt-secrets` Secret the
# Deployments read (deploy/k8s/base/secrets.yaml). The HMAC secrets are ephemeral: Terraform
# writes them once through a write-only argument and keeps them in neither state nor plan.
# Rotation: terraform/README.md, "Secrets and their rotation".

locals {
  app_secret_name = "${local.name}/app"
  # Pinned like the other add-ons (modules/addons chart_versions); bump deliberately.
  external_secrets_chart = "2.14.0"
}

variable "app_secrets_version" {
  description = "Version of the generated secrets; raising it writes fresh HMAC secrets (and replaced keys) to Secrets Manager."
  type        = number
  default     = 1
}

ephemeral "random_password" "payment_webhook" {
  length  = 48
  special = false
}

# Signs reservation tokens (gateway, on enter) and verifies them (reservation, on hold).
ephemeral "random_password" "reservation_token" {
  length  = 48
  special = false
}

# Each service's own Ed25519 key, signing its calls to the others (docs/architecture.md, "Service
# identity"); every service gets all the public keys. Rotate one with `terraform apply
# -replace='tls_private_key.service["gateway"]' -var app_secrets_version=<n+1>` after publishing
# the new public key beside the old (README, "Secrets and their rotation").
resource "tls_private_key" "service" {
  for_each  = toset(["gateway", "reservation", "payment", "worker"])
  algorithm = "ED25519"
}

resource "aws_secretsmanager_secret" "app" {
  name                    = local.app_secret_name
  description             = "Traffic Tacos application secrets (the tt-secrets Secret, through External Secrets)."
  recovery_window_in_days = 7

  tags = local.tags
}

# Every key of the tt-secrets Secret; deploy/test/production-env.test.ts renders each service's
# production environment from these keys, the manifests and app_env, and runs its config check.
resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string_wo = jsonencode({
    REDIS_AUTH_TOKEN         = module.redis.auth_token
    PAYMENT_WEBHOOK_SECRET   = ephemeral.random_password.payment_webhook.result
    RESERVATION_TOKEN_SECRET = ephemeral.random_password.reservation_token.result

    SERVICE_SIGNING_KEY_GATEWAY     = tls_private_key.service["gateway"].private_key_pem_pkcs8
    SERVICE_SIGNING_KEY_RESERVATION = tls_private_key.service["reservation"].private_key_pem_pkcs8
    SERVICE_SIGNING_KEY_PAYMENT     = tls_private_key.service["payment"].private_key_pem_pkcs8
    SERVICE_SIGNING_KEY_WORKER      = tls_private_key.service["worker"].private_key_pem_pkcs8
    SERVICE_TRUSTED_KEYS            = jsonencode({ for name, key in tls_private_key.service : name => [key.public_key_pem] })
  })
  # Terraform writes the JSON only when this changes; between, rotation happens in Secrets Manager.
  secret_string_wo_version = var.app_secrets_version
}

# The operator reads this one secret and nothing else, with its own Pod Identity role.
data "aws_iam_policy_document" "external_secrets" {
  statement {
    sid       = "ReadAppSecret"
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [aws_secretsmanager_secret.app.arn]
  }
}

module "external_secrets_identity" {
  source = "../../modules/pod-identity"

  name            = "${local.name}-external-secrets"
  cluster_name    = module.eks.cluster_name
  namespace       = "external-secrets"
  service_account = "external-secrets"
  policy_json     = data.aws_iam_policy_document.external_secrets.json
  tags            = local.tags
}

resource "helm_release" "external_secrets" {
  name             = "external-secrets"
  namespace        = "external-secrets"
  create_namespace = true
  repository       = "https://charts.external-secrets.io"
  chart            = "external-secrets"
  version          = local.external_secrets_chart
  wait             = true

  values = [yamlencode({
    installCRDs    = true
    serviceAccount = { name = "external-secrets" }
    nodeSelector   = { "traffic-tacos/capacity" = "on_demand" }
  })]

  depends_on = [module.eks, module.external_secrets_identity]
}
