"""Files attached to risk's records (risks)."""
