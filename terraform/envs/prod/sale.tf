# Prepared for the sale: pre-warmed DynamoDB, a CDN with Asian edges, pinned node images and
# add-ons, and Karpenter's consolidation and drift replacement blocked during sale hours
# (deploy/k8s/platform/karpenter.yaml reads KARPENTER_AMI_ALIAS and the budget's window), and the
# services pre-scaled for a scheduled sale (their KEDA cron trigger reads sale_prescale_window).

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

# Korean sales open on the hour, most at 20:00 KST. KEDA's cron trigger holds each service at its
# sale floor (deploy/k8s/base: gateway 20, reservation and inventory 10, payment 4) inside this
# window; CPU still scales above it. Daily by default; for a one-off sale give its date
# ("40 19 14 11 *" to "0 22 14 11 *"), the rest of the year costs nothing then.
variable "sale_prescale_window" {
  description = "When the services are pre-scaled for a scheduled sale: cron start and end in Asia/Seoul (minute hour day month weekday), a few minutes before the opening to well after it."
  type        = object({ start = string, end = string })
  default     = { start = "40 19 * * *", end = "0 22 * * *" }

  validation {
    condition = alltrue([
      for cron in [var.sale_prescale_window.start, var.sale_prescale_window.end] :
      can(regex("^[0-9*,/-]+( [0-9A-Za-z*,/-]+){4}$", cron))
    ])
    error_message = "start and end are five-field cron expressions (minute hour day month weekday), in Asia/Seoul time."
  }
}
