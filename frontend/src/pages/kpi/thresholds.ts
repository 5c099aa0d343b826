/** The service's rule (aggregate.threshold_order_problem), checked here to say it in the user's language. */
export function thresholdOrderKey(direction: string, warning?: number | null, critical?: number | null): string | null {
  const has = (v?: number | null): v is number => v !== null && v !== undefined;
  if (direction === 'band' && ((has(warning) && warning < 0) || (has(critical) && critical < 0))) return 'kpi.indicatorForm.bandNegative';
  if (!has(warning) || !has(critical)) return null;
  if (direction === 'higher_better' && critical > warning) return 'kpi.indicatorForm.criticalAboveWarning';
  if (direction !== 'higher_better' && critical < warning) return 'kpi.indicatorForm.criticalBelowWarning';
  return null;
}
