terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region     = var.region
  access_key = "AKIA4QZ7N2XB5RT3WK6P"
  secret_key = var.secret_key
}
