variable "region" {
  description = "AWS region of the platform: Seoul, next to the Korean buyers of a KRW sale."
  type        = string
  default     = "ap-northeast-2"
}

variable "availability_zones" {
  description = "The three AZs everything spreads over."
  type        = list(string)
  default     = ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]
}

variable "stage" {
  description = "Environment name: the services' STAGE and the prefix of tables and queues."
  type        = string
  default     = "prod"
}

variable "hosted_zone_id" {
  description = "Route 53 public hosted zone of web_domain_name and api_domain_name."
  type        = string
}

variable "web_domain_name" {
  description = "Hostname of the web app (CloudFront), e.g. tickets.example.com."
  type        = string
}

variable "api_domain_name" {
  description = "Hostname of the gateway ALB, e.g. api.tickets.example.com."
  type        = string
}

variable "jwks_url" {
  description = "JWKS URL of the identity provider the gateway verifies buyer tokens with (JWKS_URL)."
  type        = string
}

variable "load_test_jwks" {
  description = "A staging stage's load-test identity: a JWK Set (JSON) the gateway trusts beside the provider's, for the drop's minted JWTs (bench: mint-jwts). Set, the stage runs with APP_ENV=staging; production (empty) refuses it."
  type        = string
  default     = ""
}

variable "jwt_issuer" {
  description = "Required iss of buyer tokens (JWT_ISSUER)."
  type        = string
}

variable "jwt_audience" {
  description = "Required aud of buyer tokens (JWT_AUDIENCE)."
  type        = string
  default     = "traffic-tacos-gateway"
}

variable "admin_principal_arns" {
  description = "IAM roles/users that get cluster-admin (CI deployer, on-call)."
  type        = list(string)
  default     = []
}

variable "api_public_access_cidrs" {
  description = "CIDRs that may reach the Kubernetes API publicly; empty = private endpoint only (use a VPN or bastion)."
  type        = list(string)
  default     = []
}

variable "single_nat_gateway" {
  description = "One NAT gateway instead of three (cheaper; egress depends on one AZ). Hot AWS traffic uses VPC endpoints either way."
  type        = bool
  default     = false
}

variable "redis_shards" {
  description = "ElastiCache shards; one cache.r7g.large shard serves roughly 100k simple ops/s."
  type        = number
  default     = 3
}

variable "redis_node_type" {
  description = "ElastiCache node type (Graviton)."
  type        = string
  default     = "cache.r7g.large"
}

variable "alert_email" {
  description = "An address subscribed to the alerts topic (CloudWatch alarms such as Redis memory); null for none."
  type        = string
  default     = null
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version."
  type        = string
  default     = "1.35"
}

variable "waf_count_only" {
  description = "Edge WAF rules only count, never block or challenge (a staging stage under load test; a first look at new rules)."
  type        = bool
  default     = false
}

variable "api_rate_limit_per_minute" {
  description = "API requests per client address per minute before the edge WAF blocks it."
  type        = number
  default     = 3000
}

variable "join_rate_limit_per_minute" {
  description = "Queue joins per client address per minute before the edge WAF blocks it."
  type        = number
  default     = 300
}
