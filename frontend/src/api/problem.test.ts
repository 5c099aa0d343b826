import { describe, expect, it } from 'vitest';
import { ApiError, problemKey } from './errors';
import zh from '../locales/zh-CN/common.json';

const err = (status: number) => new ApiError({ status, title: 'x', detail: 'You need the plan right over unit 3.' });

describe('a failure is summed up in the user language', () => {
  it('maps statuses to summaries that exist in the locale', () => {
    for (const status of [400, 401, 403, 404, 409, 412, 422, 429, 500, 503, 504]) {
      const key = problemKey(err(status));
      expect(key).toBe(`common.problem.${status}`);
      expect((zh.problem as Record<string, string>)[String(status)]).toBeTruthy();
    }
  });
  it('reads a bad gateway as unavailable and anything else as a plain failure', () => {
    expect(problemKey(err(502))).toBe('common.problem.503');
    expect(problemKey(err(418))).toBe('common.problem.other');
    expect(problemKey(new Error('boom'))).toBe('common.problem.other');
  });
});
