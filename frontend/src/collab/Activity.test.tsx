// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import { LocaleProvider } from '../i18n';
import { ActivityPanel } from './Activity';

beforeAll(() => {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({ matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {},
      addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false }),
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
const entry = (seq: number, sentence: string, extra: Record<string, unknown> = {}) => ({
  seq, at: new Date().toISOString(), actor_name: '李运营总监', kind: 'decision', action: 'plan.approve', sentence,
  quote: null, status_from: null, status_to: null, ...extra,
});

describe('ActivityPanel', () => {
  it('shows the record’s entries newest first and loads more after the cursor', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      urls.push(url);
      if (url.includes('cursor=')) return json({ items: [entry(1, '王经理 创建了计划', { kind: 'edit', action: 'plan.created' })], next_cursor: null });
      return json({ items: [entry(3, '李运营总监 批准了计划（运营管理部汇总审核）', { quote: '同意' }),
        entry(2, '王经理 提交了计划', { status_from: '草稿', status_to: '已提交' })], next_cursor: 'Mg' });
    }));
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(<QueryClientProvider client={client}><LocaleProvider><AntApp><ActivityPanel service="planning" kind="plan" id={41} /></AntApp></LocaleProvider></QueryClientProvider>);
    await screen.findByText('李运营总监 批准了计划（运营管理部汇总审核）');
    expect(urls[0]).toContain('/api/planning/records/plan/41/activity');
    expect(screen.getByText('同意')).toBeTruthy();
    expect(screen.getByText('草稿 → 已提交')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /加载更多/ }));
    await waitFor(() => expect(screen.getByText('王经理 创建了计划')).toBeTruthy());
    expect(urls[1]).toContain('cursor=Mg');
    expect(screen.getAllByTestId('activity-entry')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: /加载更多/ })).toBeNull();
  });
});

describe('activityKey', () => {
  it('invalidates the record’s activity in every language and no other record’s', async () => {
    const { activityKey } = await import('../api/activity');
    const client = new QueryClient();
    client.setQueryData(['planning', 'activity', { kind: 'plan', id: 41, locale: 'zh-CN' }], { pages: [] });
    client.setQueryData(['planning', 'activity', { kind: 'plan', id: 41, locale: 'en-US' }], { pages: [] });
    client.setQueryData(['planning', 'activity', { kind: 'plan', id: 42, locale: 'zh-CN' }], { pages: [] });
    await client.invalidateQueries({ queryKey: activityKey({ service: 'planning', kind: 'plan', id: 41 }) });
    const stale = client.getQueryCache().getAll().filter((q) => q.isStale()).map((q) => (q.queryKey[2] as { id: number; locale: string }));
    expect(stale).toEqual([{ kind: 'plan', id: 41, locale: 'zh-CN' }, { kind: 'plan', id: 41, locale: 'en-US' }]);
  });
});
