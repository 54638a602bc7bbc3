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
