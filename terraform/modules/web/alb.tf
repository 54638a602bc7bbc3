# The gateway's ALB (created by the AWS Load Balancer Controller from the Ingress) gets this
# security group: HTTPS from CloudFront's origin-facing ranges only, and the web ACL below, which
# requires the X-Origin-Verify header CloudFront adds, so nobody can skip the CDN through another
# distribution of their own.
# Its certificate (regional, for the API hostname) is issued here too.

data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

resource "aws_security_group" "alb" {
  name        = "${replace(var.bucket_name, ".", "-")}-alb"
  description = "Gateway ALB: HTTPS from CloudFront only"
  vpc_id      = var.vpc_id

  tags = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "alb_from_cloudfront" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from CloudFront origin-facing servers"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "alb_to_vpc" {
  security_group_id = aws_security_group.alb.id
  description       = "To the gateway pods"
  cidr_ipv4         = var.vpc_cidr_block
  ip_protocol       = "tcp"
  from_port         = 8000
  to_port           = 8000
}

resource "aws_acm_certificate" "api" {
  domain_name       = var.api_domain_name
  validation_method = "DNS"

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "api_validation" {
  for_each = { for option in aws_acm_certificate.api.domain_validation_options : option.domain_name => option }

  zone_id = var.zone_id
  name    = each.value.resource_record_name
  type    = each.value.resource_record_type
  records = [each.value.resource_record_value]
  ttl     = 300
}

resource "aws_acm_certificate_validation" "api" {
  certificate_arn         = aws_acm_certificate.api.arn
  validation_record_fqdns = [for record in aws_route53_record.api_validation : record.fqdn]
}

# The ALB's own ACL: only requests carrying CloudFront's X-Origin-Verify header pass. The secret
# lives in AWS (this rule and the CloudFront origin), never in the cluster: the Ingress only names
# this ACL. Regional, in the stack's region, beside the ALB.
resource "aws_wafv2_web_acl" "origin" {
  name        = "${replace(var.bucket_name, ".", "-")}-origin"
  description = "Gateway ALB: only requests that came through CloudFront"
  scope       = "REGIONAL"

  default_action {
    block {}
  }

  rule {
    name     = "from-cloudfront"
    priority = 0

    action {
      allow {}
    }

    statement {
      byte_match_statement {
        search_string         = var.origin_verify_secret
        positional_constraint = "EXACTLY"
        field_to_match {
          single_header {
            name = "x-origin-verify"
          }
        }
        text_transformation {
          priority = 0
          type     = "NONE"
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "from-cloudfront"
      sampled_requests_enabled   = false
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${replace(var.bucket_name, ".", "-")}-origin"
    sampled_requests_enabled   = false
  }

  tags = var.tags
}
