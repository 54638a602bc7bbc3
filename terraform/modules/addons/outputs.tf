output "grafana_admin_password" {
  description = "Grafana admin password (kubectl -n monitoring port-forward svc/monitoring-grafana 3000:80)."
  value       = random_password.grafana_admin.result
  sensitive   = true
}
