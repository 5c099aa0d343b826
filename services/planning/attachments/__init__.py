"""Files attached to planning's records (plans, tasks and proposals)."""
