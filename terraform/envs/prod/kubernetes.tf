# The application namespace and the secrets Terraform generates. Everything else in the
# namespace comes from deploy/k8s (kubectl apply -k), configured by the outputs below.

resource "kubernetes_namespace_v1" "app" {
  metadata {
    name = local.namespace
  }

  depends_on = [module.eks]
}

resource "random_password" "payment_webhook" {
  length  = 48
  special = false
}

# Signs reservation tokens (gateway, on enter) and verifies them (reservation, on hold).
resource "random_password" "reservation_token" {
  length  = 48
  special = false
}

resource "kubernetes_secret_v1" "app" {
  metadata {
    name      = "tt-secrets"
    namespace = kubernetes_namespace_v1.app.metadata[0].name
  }

  data = {
    REDIS_AUTH_TOKEN         = module.redis.auth_token
    PAYMENT_WEBHOOK_SECRET   = random_password.payment_webhook.result
    RESERVATION_TOKEN_SECRET = random_password.reservation_token.result
  }
}
