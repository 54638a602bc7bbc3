terraform {
  # 1.11: write-only arguments (secrets.tf keeps the HMAC secrets out of state).
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.0"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.38"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.0"
    }
  }

  # Remote state in S3 with native lock files (Terraform >= 1.10, no DynamoDB lock table).
  # Partial configuration: `terraform init -backend-config=backend.hcl` (see backend.hcl.example).
  backend "s3" {
    key          = "traffic-tacos/prod/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
