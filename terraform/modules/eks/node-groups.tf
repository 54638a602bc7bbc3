# Managed node groups on Graviton (arm64): an on-demand base that always runs the add-ons and the
# minimum replicas in every AZ, and a spot group for cheap steady capacity. Karpenter (karpenter.tf)
# adds nodes in seconds when a drop opens; these groups are the floor it never removes.

data "aws_iam_policy_document" "node_trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name               = "${var.cluster_name}-node"
  assume_role_policy = data.aws_iam_policy_document.node_trust.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
  ])

  role       = aws_iam_role.node.name
  policy_arn = each.value
}

locals {
  node_groups = {
    base = {
      capacity_type  = "ON_DEMAND"
      instance_types = var.base_instance_types
      size           = var.base_size
    }
    spot = {
      capacity_type  = "SPOT"
      instance_types = var.spot_instance_types
      size           = var.spot_size
    }
  }
}

resource "aws_eks_node_group" "this" {
  for_each = local.node_groups

  cluster_name    = aws_eks_cluster.this.name
  node_group_name = each.key
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.private_subnet_ids
  ami_type        = "AL2023_ARM_64_STANDARD"
  capacity_type   = each.value.capacity_type
  instance_types  = each.value.instance_types

  scaling_config {
    min_size     = each.value.size.min
    desired_size = each.value.size.desired
    max_size     = each.value.size.max
  }

  update_config {
    max_unavailable_percentage = 33
  }

  labels = {
    "traffic-tacos/capacity" = lower(each.value.capacity_type)
  }

  tags = var.tags

  # Autoscalers own the desired size once the group exists.
  lifecycle {
    ignore_changes = [scaling_config[0].desired_size]
  }

  depends_on = [aws_iam_role_policy_attachment.node]
}
