/** One error type for everything the API can answer besides a resource: RFC 9457 Problem
 * Details become an ApiError whose `detail` is what the user reads. */
export type FieldError = { field: string; message: string };

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly type: string;
  readonly errors: FieldError[];
  /** Seconds to wait, from Retry-After (429, 503). */
  readonly retryAfter: number | null;
  readonly body: Record<string, unknown>;

  constructor(init: {
    status: number;
    title: string;
    detail: string;
    type?: string;
    errors?: FieldError[];
    retryAfter?: number | null;
    body?: Record<string, unknown>;
  }) {
    super(init.detail || init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.type = init.type ?? 'about:blank';
    this.errors = init.errors ?? [];
    this.retryAfter = init.retryAfter ?? null;
    this.body = init.body ?? {};
  }
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function asFieldErrors(raw: unknown): FieldError[] {
  if (!Array.isArray(raw)) return [];
  const out: FieldError[] = [];
  for (const item of raw) {
    if (item && typeof item === 'object') {
      const rec = item as Record<string, unknown>;
      // FastAPI's own 422 shape ({loc, msg}) too, in case a path answers it unconverted.
      const field =
        typeof rec.field === 'string'
          ? rec.field
          : Array.isArray(rec.loc)
            ? rec.loc.filter((p) => !['body', 'query', 'path', 'header', 'form'].includes(String(p))).join('.')
            : '';
      const message = typeof rec.message === 'string' ? rec.message : typeof rec.msg === 'string' ? rec.msg : '';
      out.push({ field, message });
    }
  }
  return out;
}

/** Turn any non-2xx answer into an ApiError (problem+json, plain JSON or text). */
export function toApiError(status: number, statusText: string, contentType: string | null, bodyText: string,
  retryAfterHeader: string | null = null): ApiError {
  let body: Record<string, unknown> = {};
  const looksJson = (contentType ?? '').includes('json');
  if (looksJson || bodyText.trim().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(bodyText);
      if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      body = {};
    }
  }
  const title = typeof body.title === 'string' ? body.title : statusText || `HTTP ${status}`;
  let detail = typeof body.detail === 'string' ? body.detail : '';
  const errors = asFieldErrors(body.errors ?? (Array.isArray(body.detail) ? body.detail : undefined));
  if (!detail) detail = errors.length ? errors.map((e) => `${e.field}: ${e.message}`).join('; ') : title;
  return new ApiError({
    status,
    title,
    detail,
    type: typeof body.type === 'string' ? body.type : undefined,
    errors,
    retryAfter: parseRetryAfter(retryAfterHeader),
    body,
  });
}

/** "targets.0.value" → ['targets', 0, 'value'] (an antd Form name path). */
export function fieldPath(field: string): (string | number)[] {
  return field
    .split('.')
    .filter((p) => p !== '')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Field errors in the shape antd's form.setFields takes. */
export function formFieldErrors(error: ApiError): { name: (string | number)[]; errors: string[] }[] {
  const byField = new Map<string, string[]>();
  for (const e of error.errors) {
    if (!e.field) continue;
    byField.set(e.field, [...(byField.get(e.field) ?? []), e.message]);
  }
  return [...byField.entries()].map(([field, errors]) => ({ name: fieldPath(field), errors }));
}

/** What the user reads about a failure: the server's own detail (it answers in the language the SPA
 * asks for, see client.setRequestLanguage), or — where the server gave none, e.g. a proxy's error page
 * or no answer at all — a summary by status in the user's language. */
export function problemMessage(err: unknown, t: (key: string) => string): string {
  if (err instanceof ApiError) {
    const said = typeof err.body.detail === 'string' ? err.body.detail.trim() : '';
    return said || t(problemKey(err));
  }
  if (err instanceof TypeError) return t('common.networkError');  // fetch could not reach the server
  return err instanceof Error && err.message ? err.message : t('common.failed');
}

const PROBLEM_STATUSES = new Set([400, 401, 403, 404, 409, 412, 413, 415, 422, 429, 500, 503, 504]);

/** The locale key of a one-line summary of a failure in the user's language, for answers without a
 * detail of their own; 502 reads like 503. */
export function problemKey(err: unknown): string {
  if (!(err instanceof ApiError)) return 'common.problem.other';
  const status = err.status === 502 ? 503 : err.status;
  return PROBLEM_STATUSES.has(status) ? `common.problem.${status}` : 'common.problem.other';
}
