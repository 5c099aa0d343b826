"""Files attached to kpi's records (整改 actions and findings)."""
