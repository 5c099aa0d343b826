// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { toApiError } from '../api/errors';
import { LocaleProvider } from '../i18n';
import { useApiFeedback } from './feedback';

beforeAll(() => {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({ matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {},
      addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false }),
  });
});
afterEach(cleanup);

function Failing({ error }: { error: unknown }) {
  const feedback = useApiFeedback();
  return <button onClick={() => feedback.fail(error)}>go</button>;
}

function fail(error: unknown) {
  render(<LocaleProvider><AntApp><Failing error={error} /></AntApp></LocaleProvider>);
  fireEvent.click(screen.getByText('go'));
}

describe('a failed action', () => {
  it('shows the server\'s Chinese detail as the message, with no summary before it', async () => {
    fail(toApiError(409, 'Conflict', 'application/problem+json', JSON.stringify({
      title: '与当前状态冲突', status: 409, detail: '此计划已下达，不能再提交。' })));
    const shown = await screen.findByText('此计划已下达，不能再提交。');
    expect(shown.textContent).toBe('此计划已下达，不能再提交。');
    expect(screen.queryByText(/与当前状态冲突/)).toBeNull();
  });

  it('shows a summary in the user\'s language when the server said nothing usable', async () => {
    fail(toApiError(503, 'Service Unavailable', 'text/html', '<html>down</html>'));
    expect(await screen.findByText('服务暂不可用，请稍后再试')).toBeTruthy();
  });
});
