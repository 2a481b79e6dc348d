"""lpcheck: a fast static linter for AWS IAM policies, CloudFormation and Terraform."""

__version__ = "0.1.0"
