import { describe, expect, it } from 'vitest';
import { ApiError, problemKey, problemMessage, toApiError } from './errors';
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

describe('what the user reads about a failure', () => {
  const t = (key: string) => (key === 'common.networkError' ? '无法连接服务器，请稍后重试。'
    : (zh.problem as Record<string, string>)[key.replace('common.problem.', '')] ?? key);

  it('is the server detail alone, without a summary in front of it', () => {
    const refused = toApiError(409, 'Conflict', 'application/problem+json', JSON.stringify({
      title: '与当前状态冲突', status: 409, detail: '计划当前为已提交，不能提交；须为草稿或已退回。' }));
    expect(problemMessage(refused, t)).toBe('计划当前为已提交，不能提交；须为草稿或已退回。');
  });

  it('is a summary by status where the server gave no detail', () => {
    expect(problemMessage(toApiError(502, 'Bad Gateway', 'text/html', '<html>bad gateway</html>'), t)).toBe('服务暂不可用，请稍后再试');
    expect(problemMessage(toApiError(403, 'Forbidden', 'application/json', '{}'), t)).toBe('没有权限');
    expect(problemMessage(new TypeError('Failed to fetch'), t)).toBe('无法连接服务器，请稍后重试。');
  });
});
