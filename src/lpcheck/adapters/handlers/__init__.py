"""Resource handlers, one module per AWS service; each registers CloudFormation and Terraform types."""
