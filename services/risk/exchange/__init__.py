"""The register in and out of Excel (风险登记表)."""
