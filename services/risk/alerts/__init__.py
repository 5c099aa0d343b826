"""Early warning (风险预警): key risk indicators, their values and the alerts they raise."""
