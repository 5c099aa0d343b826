"""Views over the register: the heat map, reviews due, open alerts by unit."""
