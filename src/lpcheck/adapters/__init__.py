"""Adapters: format-specific trees in, the provider-neutral model out.

``registry`` maps resource types to handler functions; handler modules live in
``lpcheck.adapters.handlers`` (one per AWS service, each registering both its CloudFormation and
its Terraform types), so a format's front-end never needs to know a resource type.
"""
