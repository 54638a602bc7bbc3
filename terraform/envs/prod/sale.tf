# Prepared for the sale: pre-warmed DynamoDB, a CDN with Asian edges, pinned node images and
# add-ons, and Karpenter's consolidation and drift replacement blocked during sale hours
# (deploy/k8s/platform/karpenter.yaml reads KARPENTER_AMI_ALIAS and the budget's window).

variable "dynamodb_warm_throughput" {
  description = "Warm throughput per table (units/s) for the sale's first second; the cost model's peak is about 15,000 writes/s on reservations and seats."
  type        = map(object({ reads = number, writes = number }))
  default = {
    reservations = { reads = 12000, writes = 16000 }
    seats        = { reads = 12000, writes = 16000 }
    idempotency  = { reads = 12000, writes = 16000 }
    outbox       = { reads = 12000, writes = 16000 }
  }
}

variable "cdn_price_class" {
  description = "CloudFront price class; PriceClass_200 includes the Korean, Japanese and other Asian edges (PriceClass_100 serves Korea from the US or Europe)."
  type        = string
  default     = "PriceClass_200"

  validation {
    condition     = var.cdn_price_class != "PriceClass_100"
    error_message = "PriceClass_100 has no Asian edge locations."
  }
}

variable "karpenter_ami_alias" {
  description = "Pinned EKS AMI of Karpenter's nodes (al2023@vYYYYMMDD; never @latest, which replaces nodes whenever AWS publishes one). Bump outside sale hours."
  type        = string
  default     = "al2023@v20260415"

  validation {
    condition     = can(regex("^al2023@v[0-9]{8}$", var.karpenter_ami_alias))
    error_message = "Pin a dated AMI release: al2023@vYYYYMMDD."
  }
}
