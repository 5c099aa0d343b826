// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { CommentText } from './Comments';

afterEach(cleanup);

describe('CommentText', () => {
  it('shows each mention as a highlighted name, never as its token', () => {
    const { container } = render(<CommentText text={'@[李运营总监](user:3) 请审阅\n第二行 @[王总经理](user:2)'} />);
    const names = [...container.querySelectorAll('.yg-mention')];
    expect(names.map((n) => [n.textContent, n.getAttribute('data-user-id')])).toEqual([['@李运营总监', '3'], ['@王总经理', '2']]);
    expect(container.textContent).toBe('@李运营总监 请审阅\n第二行 @王总经理');
    expect(container.textContent).not.toContain('user:');
  });

  it('shows plain text as it was written', () => {
    const { container } = render(<CommentText text="邮件 a@b.com，无人被提及" />);
    expect(container.querySelectorAll('.yg-mention')).toHaveLength(0);
    expect(container.textContent).toBe('邮件 a@b.com，无人被提及');
  });
});
