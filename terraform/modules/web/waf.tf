# The edge's web ACL. CloudFront only takes a CLOUDFRONT-scope ACL, and those live in us-east-1
# whatever the stack's region. Order matters: cheap verdicts first (IP reputation, known-bad
# inputs), then the per-address rate limits, then the join route's challenge, and Bot Control
# last, scoped to the two contested routes so its per-request fee is paid on ≈10 % of the API
# traffic, not on the queue-status polling that makes up most of a drop.
# With count_only every rule only counts (a staging stage being load-tested, or a first week of
# watching what the rules would have blocked).

locals {
  join_path        = "/api/v1/queue/join"
  reservation_path = "/api/v1/reservations"
  managed_rule_groups = {
    AWSManagedRulesAmazonIpReputationList = 0
    AWSManagedRulesKnownBadInputsRuleSet  = 1
    AWSManagedRulesCommonRuleSet          = 2
  }
  # The per-address rate limits, each a count per minute of the requests on its paths.
  rate_rules = {
    # Every API call from one address. Generous: Korean mobile carriers put many buyers behind
    # one carrier-grade NAT address, and the gateway has its own finer per-client limits.
    "api-rate-per-ip" = { priority = 10, limit = var.api_rate_limit_per_minute, path = "/api/", match = "STARTS_WITH" }
    # Joins from one address: a script opening places in line is the abuse a drop attracts.
    "join-rate-per-ip" = { priority = 11, limit = var.join_rate_limit_per_minute, path = local.join_path, match = "EXACTLY" }
  }
}

resource "aws_wafv2_web_acl" "edge" {
  provider = aws.us_east_1

  name        = "${replace(var.bucket_name, ".", "-")}-edge"
  description = "Traffic Tacos edge: managed rules, rate limits, join challenge, Bot Control"
  scope       = "CLOUDFRONT"

  default_action {
    allow {}
  }

  # A buyer who solved the challenge is not asked again for 5 minutes, longer than a join takes.
  challenge_config {
    immunity_time_property {
      immunity_time = 300
    }
  }

  # The web app is the only page that calls the API, so the integration's token is only needed there.
  token_domains = [var.web_domain_name]

  dynamic "rule" {
    for_each = local.managed_rule_groups

    content {
      name     = rule.key
      priority = rule.value

      override_action {
        dynamic "none" {
          for_each = var.waf_count_only ? [] : [1]
          content {}
        }
        dynamic "count" {
          for_each = var.waf_count_only ? [1] : []
          content {}
        }
      }

      statement {
        managed_rule_group_statement {
          vendor_name = "AWS"
          name        = rule.key
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = rule.key
        sampled_requests_enabled   = true
      }
    }
  }

  dynamic "rule" {
    for_each = local.rate_rules

    content {
      name     = rule.key
      priority = rule.value.priority

      action {
        dynamic "block" {
          for_each = var.waf_count_only ? [] : [1]
          content {}
        }
        dynamic "count" {
          for_each = var.waf_count_only ? [1] : []
          content {}
        }
      }

      statement {
        rate_based_statement {
          limit                 = rule.value.limit
          evaluation_window_sec = 60
          aggregate_key_type    = "IP"

          scope_down_statement {
            byte_match_statement {
              search_string         = rule.value.path
              positional_constraint = rule.value.match
              field_to_match {
                uri_path {}
              }
              text_transformation {
                priority = 0
                type     = "NONE"
              }
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = rule.key
        sampled_requests_enabled   = true
      }
    }
  }

  # A join needs a WAF token: the web app's integration script earns one silently in the browser
  # (and solves a new challenge when asked, web/src/waf.ts); a bare HTTP client gets 202 and no place.
  rule {
    name     = "join-challenge"
    priority = 20

    action {
      dynamic "challenge" {
        for_each = var.waf_count_only ? [] : [1]
        content {}
      }
      dynamic "count" {
        for_each = var.waf_count_only ? [1] : []
        content {}
      }
    }

    statement {
      byte_match_statement {
        search_string         = local.join_path
        positional_constraint = "EXACTLY"
        field_to_match {
          uri_path {}
        }
        text_transformation {
          priority = 0
          type     = "NONE"
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "join-challenge"
      sampled_requests_enabled   = true
    }
  }

  # Bot Control (common level: self-identified bots, HTTP libraries, known bot signatures),
  # on joins and holds only. Verified bots (search engines) never reach these routes anyway.
  rule {
    name     = "AWSManagedRulesBotControlRuleSet"
    priority = 30

    override_action {
      dynamic "none" {
        for_each = var.waf_count_only ? [] : [1]
        content {}
      }
      dynamic "count" {
        for_each = var.waf_count_only ? [1] : []
        content {}
      }
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesBotControlRuleSet"

        managed_rule_group_configs {
          aws_managed_rules_bot_control_rule_set {
            inspection_level = "COMMON"
          }
        }

        scope_down_statement {
          or_statement {
            statement {
              byte_match_statement {
                search_string         = local.join_path
                positional_constraint = "EXACTLY"
                field_to_match {
                  uri_path {}
                }
                text_transformation {
                  priority = 0
                  type     = "NONE"
                }
              }
            }
            statement {
              byte_match_statement {
                search_string         = local.reservation_path
                positional_constraint = "EXACTLY"
                field_to_match {
                  uri_path {}
                }
                text_transformation {
                  priority = 0
                  type     = "NONE"
                }
              }
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "AWSManagedRulesBotControlRuleSet"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${replace(var.bucket_name, ".", "-")}-edge"
    sampled_requests_enabled   = true
  }

  tags = var.tags
}
