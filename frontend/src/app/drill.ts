/** A cockpit tile opens a page with its filters in the query string (/kpi/actions?unit_id=7&status=open):
 * the page starts from them. */
export function drillNumber(params: URLSearchParams, key: string): number | undefined {
  const v = params.get(key);
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

export function drillText(params: URLSearchParams, key: string): string | undefined {
  return params.get(key) || undefined;
}
