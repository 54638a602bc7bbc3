variable "bucket_name" {
  description = "Globally unique name of the web bucket."
  type        = string
}

variable "zone_id" {
  description = "Route 53 hosted zone that holds both hostnames."
  type        = string
}

variable "web_domain_name" {
  description = "Hostname buyers open, e.g. tickets.example.com (CloudFront)."
  type        = string
}

variable "api_domain_name" {
  description = "Hostname of the gateway's ALB, e.g. api.tickets.example.com (set by external-dns from the Ingress)."
  type        = string
}

variable "origin_verify_secret" {
  description = "Value of the X-Origin-Verify header CloudFront sends and the ALB requires."
  type        = string
  sensitive   = true
}

variable "vpc_id" {
  description = "VPC of the ALB security group."
  type        = string
}

variable "vpc_cidr_block" {
  description = "VPC range the ALB forwards to (pod IPs)."
  type        = string
}

variable "price_class" {
  description = "CloudFront price class (edge locations used)."
  type        = string
  default     = "PriceClass_100"
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "waf_count_only" {
  description = "Every edge WAF rule only counts (a load-tested staging stage, or watching new rules before they block)."
  type        = bool
  default     = false
}

variable "api_rate_limit_per_minute" {
  description = "API requests one client address may send per minute through CloudFront before the edge blocks it."
  type        = number
  default     = 3000
}

variable "join_rate_limit_per_minute" {
  description = "Queue joins one client address may send per minute (carrier-grade NAT puts many buyers behind one)."
  type        = number
  default     = 300
}
