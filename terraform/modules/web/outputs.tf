output "bucket_name" {
  description = "Bucket the web build is synced to."
  value       = aws_s3_bucket.web.bucket
}

output "distribution_id" {
  description = "CloudFront distribution to invalidate after a web deploy."
  value       = aws_cloudfront_distribution.web.id
}

output "web_url" {
  description = "Where buyers go."
  value       = "https://${var.web_domain_name}"
}

output "api_certificate_arn" {
  description = "Regional ACM certificate of the API hostname (Ingress certificate-arn)."
  value       = aws_acm_certificate_validation.api.certificate_arn
}

output "alb_security_group_id" {
  description = "Security group the gateway ALB uses (Ingress security-groups)."
  value       = aws_security_group.alb.id
}

output "origin_web_acl_arn" {
  description = "Regional web ACL of the gateway ALB (Ingress wafv2-acl-arn): only CloudFront's requests pass."
  value       = aws_wafv2_web_acl.origin.arn
}

output "waf_challenge_script_url" {
  description = "AWS WAF challenge script the web app loads (VITE_WAF_CHALLENGE_URL) so API calls carry a WAF token."
  value       = "${aws_wafv2_web_acl.edge.application_integration_url}challenge.js"
}
