"""The company's working-day calendar: the statutory one (holidays, 调休) with the company's overrides."""
