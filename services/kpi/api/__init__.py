"""Routers of the kpi service (thin: parse, authorise, call the domain, return)."""
