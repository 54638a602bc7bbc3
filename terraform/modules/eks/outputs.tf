output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_ca_certificate" {
  description = "Base64 CA certificate of the Kubernetes API."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "cluster_security_group_id" {
  description = "Security group EKS attaches to the control plane and managed nodes (Redis admits it)."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "karpenter_node_role_name" {
  description = "IAM role Karpenter's EC2NodeClass gives the nodes it launches."
  value       = aws_iam_role.karpenter_node.name
}

output "karpenter_interruption_queue_name" {
  description = "SQS queue of spot interruption and rebalance events for Karpenter."
  value       = aws_sqs_queue.karpenter_interruption.name
}
