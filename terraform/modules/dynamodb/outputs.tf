output "table_names" {
  description = "Physical table names by logical name."
  value       = { for name, table in aws_dynamodb_table.this : name => table.name }
}

output "table_arns" {
  description = "Table ARNs by logical name (IAM policies scope to these and their indexes)."
  value       = { for name, table in aws_dynamodb_table.this : name => table.arn }
}
