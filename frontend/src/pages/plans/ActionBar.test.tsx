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
    expect(await screen.findByText('请填写理由', undefined, { timeout: 10_000 })).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
    fireEvent.change(dialog.querySelector('textarea') as HTMLTextAreaElement, { target: { value: '预算超出公司总体安排' } });
    fireEvent.click(ok);
    await waitFor(() => expect(fetchMock).toHaveBeenCalled(), { timeout: 10_000 });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/planning/plans/41/veto');
    expect(JSON.parse(String(init.body))).toEqual({ comment: '预算超出公司总体安排', reason: '预算超出公司总体安排' });
  }, 20_000);

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

describe('ActionBar approval controls', () => {
  const candidates = [
    { id: 12, name: '孙运营副总监', unit_name: '运营管理部', position_name: '运营副总监', advisory: false },
    { id: 5, name: '张市场部经理', unit_name: '市场部', position_name: '市场部经理', advisory: true },
  ];
  function serve(answer: (url: string, init?: RequestInit) => Response | undefined) {
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      const given = answer(url, init);
      if (given) return given;
      if (url.includes('/candidates')) return new Response(JSON.stringify(candidates), { status: 200, headers: { 'Content-Type': 'application/json' } });
      return new Response(JSON.stringify({ id: 41, status: 'submitted', allowed_actions: [] }), { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    vi.stubGlobal('fetch', fetchMock);
    return fetchMock;
  }
  const posts = (fetchMock: ReturnType<typeof vi.fn>) => fetchMock.mock.calls
    .map((c) => c as unknown as [string, RequestInit | undefined])
    .filter(([, init]) => init?.method === 'POST');

  async function pickPerson(dialog: HTMLElement, name: string) {
    fireEvent.mouseDown(dialog.querySelector('.ant-select-selector') as HTMLElement);
    const option = await waitFor(() => {
      const found = [...document.querySelectorAll('.ant-select-item-option')].find((o) => o.textContent?.includes(name));
      if (!found) throw new Error(`no option ${name}`);
      return found as HTMLElement;
    });
    fireEvent.click(option);
  }
  const okButton = (dialog: HTMLElement) => [...dialog.querySelectorAll('button')].find((b) => b.className.includes('ant-btn-primary')) as HTMLElement;

  it('offers 撤回, 转办, 加签 and 抄送 only where allowed_actions says', () => {
    const { container } = renderBar(['cc', 'approve', 'transfer', 'return', 'add_signer']);
    const shown = [...container.querySelectorAll('[data-action]')].map((b) => [b.getAttribute('data-action'), b.textContent?.replace(/\s/g, '')]);
    expect(shown).toEqual([['approve', '批准'], ['return', '退回'], ['transfer', '转办'], ['add_signer', '加签'], ['cc', '抄送']]);
    cleanup();
    const submitter = renderBar(['withdraw']);
    expect([...submitter.container.querySelectorAll('[data-action]')].map((b) => b.getAttribute('data-action'))).toEqual(['withdraw']);
  });

  it('transfers only with a person and a reason, and posts them to the transfer route', async () => {
    const fetchMock = serve(() => undefined);
    const { container } = renderBar(['approve', 'transfer']);
    fireEvent.click(container.querySelector('[data-action="transfer"]') as HTMLElement);
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(okButton(dialog));
    expect(await screen.findByText('请选择人员', undefined, { timeout: 10_000 })).toBeTruthy();
    expect(await screen.findByText('请填写转办理由', undefined, { timeout: 10_000 })).toBeTruthy();
    expect(posts(fetchMock)).toEqual([]);
    await pickPerson(dialog, '孙运营副总监');
    fireEvent.change(dialog.querySelector('textarea') as HTMLTextAreaElement, { target: { value: '本周出差，请孙总代为审核' } });
    fireEvent.click(okButton(dialog));
    await waitFor(() => expect(posts(fetchMock)).toHaveLength(1), { timeout: 10_000 });
    const [url, init] = posts(fetchMock)[0];
    expect(url).toBe('/api/planning/plans/41/transfer');
    expect(JSON.parse(String(init?.body))).toEqual({ to_user_id: 12, reason: '本周出差，请孙总代为审核' });
    expect(await screen.findByText('已转办给 孙运营副总监', undefined, { timeout: 10_000 })).toBeTruthy();
  }, 20_000);

  it('marks advisory people 仅提意见 and sends the chosen side of 加签', async () => {
    const fetchMock = serve(() => undefined);
    const { container } = renderBar(['add_signer']);
    fireEvent.click(container.querySelector('[data-action="add_signer"]') as HTMLElement);
    const dialog = await screen.findByRole('dialog');
    fireEvent.mouseDown(dialog.querySelector('.ant-select-selector') as HTMLElement);
    const advisory = await waitFor(() => {
      const found = [...document.querySelectorAll('.ant-select-item-option')].find((o) => o.textContent?.includes('张市场部经理'));
      if (!found) throw new Error('no advisory option');
      return found as HTMLElement;
    });
    expect(advisory.textContent).toContain('仅提意见');
    fireEvent.click(advisory);
    fireEvent.click(screen.getByLabelText('后加签（您签署后再由其签署）'));
    fireEvent.click(okButton(dialog));
    await waitFor(() => expect(posts(fetchMock)).toHaveLength(1), { timeout: 10_000 });
    const [url, init] = posts(fetchMock)[0];
    expect(url).toBe('/api/planning/plans/41/add-signer');
    expect(JSON.parse(String(init?.body))).toEqual({ user_id: 5, position: 'after', comment: '' });
  }, 20_000);

  it('shows the server\'s own words when it refuses a withdrawal', async () => {
    serve((url, init) => (init?.method === 'POST' && url.endsWith('/withdraw')
      ? new Response(JSON.stringify({ type: 'about:blank', title: 'Conflict', status: 409, detail: '已有人审批过本计划，不能撤回。' }),
        { status: 409, headers: { 'Content-Type': 'application/problem+json' } })
      : undefined));
    const { container } = renderBar(['withdraw']);
    fireEvent.click(container.querySelector('[data-action="withdraw"]') as HTMLElement);
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('撤回后计划回到草稿');
    fireEvent.click(okButton(dialog));
    expect(await screen.findByText(/已有人审批过本计划，不能撤回。/, undefined, { timeout: 10_000 })).toBeTruthy();
  }, 20_000);
});
