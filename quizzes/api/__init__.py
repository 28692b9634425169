"""The REST API (/api/v1/): thin DRF views over the selectors and services the pages use."""
