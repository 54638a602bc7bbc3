# Production: one VPC, one EKS cluster, the data stores the services use, the web CDN, and the
# cluster add-ons. Each module is small and owns one concern; this file only wires them.

locals {
  name         = "tt-${var.stage}"
  cluster_name = "tt-${var.stage}"
  namespace    = "traffic-tacos"

  tags = {
    Project     = "traffic-tacos"
    Environment = var.stage
    ManagedBy   = "terraform"
  }
}

module "network" {
  source = "../../modules/network"

  name               = local.name
  availability_zones = var.availability_zones
  cluster_name       = local.cluster_name
  single_nat_gateway = var.single_nat_gateway
}

module "eks" {
  source = "../../modules/eks"

  cluster_name         = local.cluster_name
  kubernetes_version   = var.kubernetes_version
  vpc_id               = module.network.vpc_id
  private_subnet_ids   = module.network.private_subnet_ids
  public_access_cidrs  = var.api_public_access_cidrs
  admin_principal_arns = var.admin_principal_arns
}

module "dynamodb" {
  source = "../../modules/dynamodb"

  stage           = var.stage
  warm_throughput = var.dynamodb_warm_throughput
}

module "messaging" {
  source = "../../modules/messaging"

  stage = var.stage
}

# Where AWS-side alarms (CloudWatch) go; Grafana's own alert rules live in deploy/k8s. Not
# encrypted with the AWS-managed SNS key: CloudWatch cannot publish to a topic under that key
# (its key policy admits no service), and alarm notices carry no data worth a customer key.
resource "aws_sns_topic" "alerts" {
  name = "${local.name}-alerts"

  tags = local.tags
}

resource "aws_sns_topic_subscription" "alerts_email" {
  count = var.alert_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.alert_email
}

module "redis" {
  source = "../../modules/redis"

  name                      = local.name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.private_subnet_ids
  client_security_group_ids = [module.eks.cluster_security_group_id]
  shards                    = var.redis_shards
  node_type                 = var.redis_node_type
  alarm_actions             = [aws_sns_topic.alerts.arn]
}

module "ecr" {
  source = "../../modules/ecr"

  prefix = "traffic-tacos"
}

module "service_roles" {
  source = "../../modules/service-roles"

  name                = local.name
  cluster_name        = module.eks.cluster_name
  namespace           = local.namespace
  table_arns          = module.dynamodb.table_arns
  events_queue_arn    = module.messaging.events_queue_arn
  events_dlq_arn      = module.messaging.events_dlq_arn
  scheduler_group_arn = module.messaging.scheduler_group_arn
  scheduler_role_arn  = module.messaging.scheduler_role_arn
}

resource "random_password" "origin_verify" {
  length  = 48
  special = false
}

module "web" {
  source = "../../modules/web"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  bucket_name          = var.web_domain_name
  zone_id              = var.hosted_zone_id
  web_domain_name      = var.web_domain_name
  api_domain_name      = var.api_domain_name
  origin_verify_secret = random_password.origin_verify.result
  vpc_id               = module.network.vpc_id
  vpc_cidr_block       = module.network.vpc_cidr_block
  price_class          = var.cdn_price_class

  waf_count_only             = var.waf_count_only
  api_rate_limit_per_minute  = var.api_rate_limit_per_minute
  join_rate_limit_per_minute = var.join_rate_limit_per_minute
}

module "addons" {
  source = "../../modules/addons"

  cluster_name                      = module.eks.cluster_name
  vpc_id                            = module.network.vpc_id
  region                            = var.region
  karpenter_interruption_queue_name = module.eks.karpenter_interruption_queue_name
  hosted_zone_id                    = var.hosted_zone_id
  domain_filter                     = var.api_domain_name
  alerts_topic_arn                  = aws_sns_topic.alerts.arn
  alert_slack_channel               = var.alert_slack_channel
  alert_secrets = {
    slack_webhook_url     = var.alert_slack_webhook_url
    pagerduty_routing_key = var.alert_pagerduty_routing_key
  }

  # Charts need running nodes and CoreDNS; KEDA's operator role comes with the service roles.
  depends_on = [module.eks, module.service_roles]
}
