variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "secret_key" {
  type      = string
  sensitive = true
}

variable "multi_az" {
  description = "Run the database in two availability zones"
  type        = bool
  default     = false
}
