"""One module per tab; each owns its models and calls services."""
