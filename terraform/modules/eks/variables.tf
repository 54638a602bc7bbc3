variable "cluster_name" {
  description = "Name of the EKS cluster."
  type        = string
}

variable "kubernetes_version" {
  description = "EKS Kubernetes minor version; keep it on the newest version in standard support."
  type        = string
  default     = "1.35"
}

variable "vpc_id" {
  description = "VPC the cluster runs in."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets (one per AZ) for the control-plane ENIs and every node."
  type        = list(string)
}

variable "public_access_cidrs" {
  description = "CIDRs allowed to reach the public Kubernetes API endpoint; empty keeps the endpoint private only."
  type        = list(string)
  default     = []
}

variable "admin_principal_arns" {
  description = "IAM principals (roles/users) granted cluster-admin through EKS access entries."
  type        = list(string)
  default     = []
}

variable "base_instance_types" {
  description = "Graviton instance types of the on-demand base node group (add-ons and the minimum replicas)."
  type        = list(string)
  default     = ["m7g.xlarge"]
}

variable "base_size" {
  description = "Minimum, desired and maximum node count of the on-demand base group."
  type        = object({ min = number, desired = number, max = number })
  default     = { min = 3, desired = 3, max = 6 }
}

variable "spot_instance_types" {
  description = "Graviton instance types of the spot node group; several types spread the spot-interruption risk."
  type        = list(string)
  default     = ["c7g.2xlarge", "c7gd.2xlarge", "c7gn.2xlarge", "m7g.2xlarge", "c6g.2xlarge"]
}

variable "spot_size" {
  description = "Minimum, desired and maximum node count of the spot group (Karpenter adds more during a drop)."
  type        = object({ min = number, desired = number, max = number })
  default     = { min = 0, desired = 2, max = 20 }
}

variable "log_retention_days" {
  description = "Retention of the control-plane logs in CloudWatch."
  type        = number
  default     = 30
}

variable "addon_versions" {
  description = "Pinned EKS add-on versions by add-on name (aws eks describe-addon-versions); unlisted ones take AWS's default for the Kubernetes version. Bump outside sale hours."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
