output "repository_urls" {
  description = "Repository URLs by service (the images the manifests run)."
  value       = { for name, repo in aws_ecr_repository.this : name => repo.repository_url }
}
