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

# Each service's own Ed25519 key, signing its calls to the others (docs/architecture.md, "Service
# identity"); every service gets all the public keys. Rotate one with `terraform apply
# -replace='tls_private_key.service["gateway"]'` after publishing the new public key beside the old.
resource "tls_private_key" "service" {
  for_each  = toset(["gateway", "reservation", "payment", "worker"])
  algorithm = "ED25519"
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

    SERVICE_SIGNING_KEY_GATEWAY     = tls_private_key.service["gateway"].private_key_pem_pkcs8
    SERVICE_SIGNING_KEY_RESERVATION = tls_private_key.service["reservation"].private_key_pem_pkcs8
    SERVICE_SIGNING_KEY_PAYMENT     = tls_private_key.service["payment"].private_key_pem_pkcs8
    SERVICE_SIGNING_KEY_WORKER      = tls_private_key.service["worker"].private_key_pem_pkcs8
    SERVICE_TRUSTED_KEYS            = jsonencode({ for name, key in tls_private_key.service : name => [key.public_key_pem] })
  }
}
