// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import { LocaleProvider } from '../i18n';
import { AttachmentsPanel } from './Attachments';

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

const BASE = '/api/planning/records/plan/41/attachments';
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status < 400 ? 'application/json' : 'application/problem+json' } });
const file = (id: number, name: string, extra: object) => ({
  id, name, content_type: 'application/pdf', size: 1536, uploaded_by: '7', uploaded_by_name: '刘市场调研专员',
  uploaded_at: '2027-01-05T02:30:00Z', url: `${BASE}/${id}`, can_delete: false, ...extra });

function renderPanel() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <LocaleProvider>
        <AntApp>
          <AttachmentsPanel service="planning" kind="plan" id={41} />
        </AntApp>
      </LocaleProvider>
    </QueryClientProvider>,
  );
}

describe('AttachmentsPanel', () => {
  it('lists the files with their size and uploader, and offers removal only where the server allows it', async () => {
    const calls: string[] = [];
    let items = [file(2, '现场照片.png', { content_type: 'image/png', size: 3_355_443, can_delete: true }),
      file(1, '调研报告.pdf', { uploaded_by_name: '张市场部经理' })];
    vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
      calls.push(`${init?.method ?? 'GET'} ${url}`);
      if (init?.method === 'DELETE') {
        items = items.filter((a) => !url.endsWith(`/${a.id}`));
        return new Response(null, { status: 204 });
      }
      return json({ items, max_bytes: 20 * 1024 * 1024, max_count: 50 });
    }));
    renderPanel();
    expect(await screen.findByText('现场照片.png')).toBeTruthy();
    expect(screen.getByText('3.2 MB')).toBeTruthy();
    expect(screen.getByText('1.5 KB')).toBeTruthy();
    expect(screen.getByText(/张市场部经理 上传于/)).toBeTruthy();
    // only the analyst's own file can be removed by him
    expect(screen.queryByLabelText('删除 调研报告.pdf')).toBeNull();
    fireEvent.click(screen.getByLabelText('删除 现场照片.png'));
    fireEvent.click(await screen.findByRole('button', { name: /^删\s*除$/ }));
    await waitFor(() => expect(calls).toContain(`DELETE ${BASE}/2`));
    await waitFor(() => expect(screen.queryByText('现场照片.png')).toBeNull());
  }, 30_000);

  it('refuses a file over the server\'s limit before sending it, and shows the server\'s own refusal in Chinese', async () => {
    const posted: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === 'POST') {
        posted.push(url);
        return json({ type: 'https://yunguan.dev/problems/validation-error', title: '输入有误', status: 422,
          detail: '文件名为 .pdf，但内容不是PDF 文件：疑为伪装文件，已拒绝。' }, 422);
      }
      return json({ items: [], max_bytes: 1024, max_count: 50 });
    }));
    const { container } = renderPanel();
    expect(await screen.findByText('暂无附件')).toBeTruthy();
    // the picker renders a new <input> after each choice: find it each time
    const input = () => container.querySelector('input[type=file]') as HTMLInputElement;
    fireEvent.change(input(), { target: { files: [new File([new Uint8Array(2048)], '大文件.pdf', { type: 'application/pdf' })] } });
    expect(await screen.findByText('文件超过 1 KB，未上传')).toBeTruthy();
    expect(posted).toEqual([]);
    fireEvent.change(input(), { target: { files: [new File(['<html></html>'], '报告.pdf', { type: 'application/pdf' })] } });
    await waitFor(() => expect(posted).toEqual([BASE]));
    expect(await screen.findByText('文件名为 .pdf，但内容不是PDF 文件：疑为伪装文件，已拒绝。')).toBeTruthy();
  }, 30_000);
});
