// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { App as AntApp } from 'antd';
import { LocaleProvider } from '../../i18n';
import { NotificationBell } from './NotificationBell';

beforeAll(() => {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({ matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {},
      addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false }),
  });
  const computed = window.getComputedStyle.bind(window);
  window.getComputedStyle = (el: Element) => computed(el);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
const note = { id: 7, kind: 'approval', topic: 'planning.plan.submitted', title: '待您审批：市场部《2027年度计划》', body: '等待审批',
  link: '/plans/41', subject_type: 'plan', subject_id: '41', unit_id: 7, created_at: new Date().toISOString(), read_at: null };

function Where() {
  return <span data-testid="where">{useLocation().pathname}</span>;
}

function renderBell() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <LocaleProvider>
        <AntApp>
          <MemoryRouter initialEntries={['/inbox']} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
            <NotificationBell />
            <Routes><Route path="*" element={<Where />} /></Routes>
          </MemoryRouter>
        </AntApp>
      </LocaleProvider>
    </QueryClientProvider>,
  );
}

describe('NotificationBell', () => {
  it('is named with the unread count, marks a notification read when it is opened and goes to its link', async () => {
    let unread = 3;
    const calls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
      calls.push(`${init?.method ?? 'GET'} ${url}`);
      if (url.endsWith('/unread-count')) return json({ unread });
      if (url.endsWith('/7/read')) {
        unread = 2;
        return json({ ...note, read_at: new Date().toISOString() });
      }
      return json({ items: [note], next_cursor: null, unread });
    }));
    renderBell();
    const bell = await screen.findByRole('button', { name: '通知，3 条未读' });
    fireEvent.click(bell);
    fireEvent.click(await screen.findByText(note.title));
    await waitFor(() => expect(screen.getByTestId('where').textContent).toBe('/plans/41'));
    expect(calls).toContain('POST /api/org/me/notifications/7/read');
    // the count is asked again after the mark
    await screen.findByRole('button', { name: '通知，2 条未读' });
  });

  it('says plainly when nothing is unread', async () => {
    vi.stubGlobal('fetch', vi.fn(async (url: string) => (url.endsWith('/unread-count') ? json({ unread: 0 }) : json({ items: [], next_cursor: null, unread: 0 }))));
    renderBell();
    fireEvent.click(await screen.findByRole('button', { name: '通知' }));
    await screen.findByText('没有未读通知');
    fireEvent.click(screen.getByText('查看全部'));
    await waitFor(() => expect(screen.getByTestId('where').textContent).toBe('/notifications'));
  });
});
