output "cluster_name" {
  description = "EKS cluster (aws eks update-kubeconfig --name <this>)."
  value       = module.eks.cluster_name
}

output "ecr_repository_urls" {
  description = "Where CI pushes each service image."
  value       = module.ecr.repository_urls
}

output "web_bucket" {
  description = "Bucket deploy/web/publish.sh syncs the web build to."
  value       = module.web.bucket_name
}

output "web_distribution_id" {
  description = "CloudFront distribution deploy/web/publish.sh invalidates."
  value       = module.web.distribution_id
}

output "web_url" {
  description = "The platform's public URL."
  value       = module.web.web_url
}

output "grafana_admin_password" {
  description = "Grafana admin password."
  value       = module.addons.grafana_admin_password
  sensitive   = true
}

# The services' environment (ConfigMap tt-config): terraform output -raw app_env > deploy/k8s/overlays/prod/app.env
output "app_env" {
  description = "KEY=VALUE lines of the services' environment, for the tt-config ConfigMap."
  value = join("\n", [for key, value in {
    # A stage given a load-test identity is staging: production's rules, plus that identity.
    APP_ENV            = var.load_test_jwks == "" ? "production" : "staging"
    LOADTEST_JWKS      = var.load_test_jwks
    STAGE              = var.stage
    AWS_REGION         = var.region
    REDIS_HOST         = module.redis.configuration_endpoint
    EVENTS_QUEUE_URL   = module.messaging.events_queue_url
    EVENTS_QUEUE_ARN   = module.messaging.events_queue_arn
    EXPIRY_TIMER       = "scheduler"
    SCHEDULER_GROUP    = module.messaging.scheduler_group_name
    SCHEDULER_ROLE_ARN = module.messaging.scheduler_role_arn
    JWKS_URL           = var.jwks_url
    JWT_ISSUER         = var.jwt_issuer
    JWT_AUDIENCE       = var.jwt_audience
    TRUST_PROXY        = "true"
    TRUST_PROXY_HOPS   = "2"
    # CloudFront forwards every viewer header but Host: the gateway cannot see that the web app's
    # page is its own origin, so the live queue's Origin check is told.
    WS_ALLOWED_ORIGINS = "https://${var.web_domain_name}"
    # Spans go to the in-cluster collector, which samples whole traces (telemetry.tf).
    OTEL_EXPORTER_OTLP_ENDPOINT = "http://otel-collector:4318"
  } : "${key}=${value}"])
}

# Values the manifests' replacements copy into the Ingress and ScaledObject:
# terraform output -raw deploy_env > deploy/k8s/overlays/prod/deploy.env
output "deploy_env" {
  description = "KEY=VALUE lines for the tt-deploy ConfigMap (Ingress, KEDA and Karpenter settings)."
  value = join("\n", [for key, value in {
    AWS_REGION            = var.region
    API_DOMAIN_NAME       = var.api_domain_name
    API_CERTIFICATE_ARN   = module.web.api_certificate_arn
    ALB_SECURITY_GROUP_ID = module.web.alb_security_group_id
    ALB_WEB_ACL_ARN       = module.web.origin_web_acl_arn
    EVENTS_QUEUE_URL      = module.messaging.events_queue_url
    CLUSTER_NAME          = module.eks.cluster_name
    KARPENTER_NODE_ROLE   = module.eks.karpenter_node_role_name
    KARPENTER_AMI_ALIAS   = var.karpenter_ami_alias
    ECR_REGISTRY          = split("/", module.ecr.repository_urls["gateway"])[0]
    APP_SECRET_NAME       = aws_secretsmanager_secret.app.name
    SALE_PRESCALE_START   = var.sale_prescale_window.start
    SALE_PRESCALE_END     = var.sale_prescale_window.end
    CONTAINER_LOG_GROUP   = aws_cloudwatch_log_group.containers.name
  } : "${key}=${value}"])
}

# Build-time variable of the web app (deploy/web/publish.sh reads it): the AWS WAF integration.
output "waf_challenge_script_url" {
  description = "AWS WAF challenge script the web app loads (VITE_WAF_CHALLENGE_URL)."
  value       = module.web.waf_challenge_script_url
}

output "alerts_topic_arn" {
  description = "SNS topic of the AWS-side alarms (subscribe on-call to it)."
  value       = aws_sns_topic.alerts.arn
}
