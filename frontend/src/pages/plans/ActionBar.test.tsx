// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import type { PlanRead } from '../../api/types';
import { LocaleProvider } from '../../i18n';
import { ActionBar } from './ActionBar';

beforeAll(() => {
  // antd asks for these; jsdom has neither
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({ matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {},
      addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false }),
  });
  // jsdom does not implement the pseudo-element argument rc-util passes when measuring scrollbars
  const computed = window.getComputedStyle.bind(window);
  window.getComputedStyle = (el: Element) => computed(el);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const plan = (allowed: string[]) => ({ id: 41, title: 'P', status: 'submitted', allowed_actions: allowed } as unknown as PlanRead);

function renderBar(allowed: string[]) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <LocaleProvider>
        <AntApp>
          <ActionBar plan={plan(allowed)} />
        </AntApp>
      </LocaleProvider>
    </QueryClientProvider>,
  );
}

describe('ActionBar', () => {
  it('offers exactly the actions the plan allows', () => {
    const { container } = renderBar(['veto', 'approve', 'return']);
    const actions = [...container.querySelectorAll('[data-action]')].map((b) => b.getAttribute('data-action'));
    expect(actions).toEqual(['approve', 'return', 'veto']);
  });

  it('asks for a reason before vetoing and sends it', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ id: 41, status: 'vetoed', allowed_actions: [] }), {
      status: 200, headers: { 'Content-Type': 'application/json' },
    }));
    vi.stubGlobal('fetch', fetchMock);
    const { container } = renderBar(['veto']);
    fireEvent.click(container.querySelector('[data-action="veto"]') as HTMLElement);
    const dialog = await screen.findByRole('dialog');
    const ok = [...dialog.querySelectorAll('button')].find((b) => b.className.includes('ant-btn-dangerous') && b.className.includes('ant-btn-primary')) as HTMLElement;
    fireEvent.click(ok);
    expect(await screen.findByText('请填写理由')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
    fireEvent.change(dialog.querySelector('textarea') as HTMLTextAreaElement, { target: { value: '预算超出公司总体安排' } });
    fireEvent.click(ok);
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/planning/plans/41/veto');
    expect(JSON.parse(String(init.body))).toEqual({ comment: '预算超出公司总体安排', reason: '预算超出公司总体安排' });
  });

  it('asks for the 意见 of an adjustment (revise) as required, never as optional', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    const { container } = renderBar(['revise']);
    fireEvent.click(container.querySelector('[data-action="revise"]') as HTMLElement);
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('意见（调整原因）');
    expect(dialog.textContent).not.toContain('可选');
    const ok = [...dialog.querySelectorAll('button')].find((b) => b.className.includes('ant-btn-primary')) as HTMLElement;
    fireEvent.click(ok);
    expect(await screen.findByText('请填写内容', undefined, { timeout: 10_000 })).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  }, 20_000);
});
