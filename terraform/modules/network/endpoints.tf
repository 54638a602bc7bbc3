# VPC endpoints keep the hot AWS traffic (DynamoDB, SQS, Scheduler) and image pulls off the NAT
# gateways: lower latency, no per-GB NAT charge at 30k RPS, and it keeps working if NAT fails.

data "aws_region" "current" {}

locals {
  # Gateway endpoints (free, routed by the private route tables): DynamoDB and S3.
  gateway_endpoints = toset(["dynamodb", "s3"])
  # Interface endpoints the services, nodes and add-ons call. ECR layers come from S3 (gateway).
  interface_endpoints = toset(["sqs", "ecr.api", "ecr.dkr", "sts", "logs", "scheduler", "ec2", "eks-auth"])
}

resource "aws_vpc_endpoint" "gateway" {
  for_each = local.gateway_endpoints

  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${data.aws_region.current.region}.${each.key}"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [for table in aws_route_table.private : table.id]

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

# The two gateway endpoints were once resources of their own; these keep them in place.
moved {
  from = aws_vpc_endpoint.dynamodb
  to   = aws_vpc_endpoint.gateway["dynamodb"]
}

moved {
  from = aws_vpc_endpoint.s3
  to   = aws_vpc_endpoint.gateway["s3"]
}

resource "aws_security_group" "endpoints" {
  name        = "${var.name}-endpoints"
  description = "HTTPS from inside the VPC to the interface endpoints"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-endpoints" })
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  security_group_id = aws_security_group.endpoints.id
  description       = "HTTPS from the VPC"
  cidr_ipv4         = var.cidr_block
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoints

  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${data.aws_region.current.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [for subnet in aws_subnet.private : subnet.id]
  security_group_ids  = [aws_security_group.endpoints.id]

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}
