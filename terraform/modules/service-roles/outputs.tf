output "role_arns" {
  description = "Pod Identity role ARNs by service account."
  value       = { for name, role in module.role : name => role.role_arn }
}
