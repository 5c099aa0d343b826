import { describe, expect, it } from 'vitest';
import { mentionedIds, mentionToken, plainText, segments } from './mentions';

describe('mentions', () => {
  it('cuts a text into plain runs and mentions, in order', () => {
    expect(segments('@[李运营总监](user:3) 请审阅，抄送 @[王总经理](user:2)。')).toEqual([
      { kind: 'mention', name: '李运营总监', userId: 3 },
      { kind: 'text', text: ' 请审阅，抄送 ' },
      { kind: 'mention', name: '王总经理', userId: 2 },
      { kind: 'text', text: '。' },
    ]);
  });

  it('leaves e-mail addresses and half-written tokens as text', () => {
    expect(segments('写信到 a@b.com 或 @[未闭合(user:3)')).toEqual([{ kind: 'text', text: '写信到 a@b.com 或 @[未闭合(user:3)' }]);
    expect(segments('')).toEqual([]);
  });

  it('names each person mentioned once and reads mentions as @name', () => {
    const text = `${mentionToken('李运营总监', 3)} 和 ${mentionToken('王总经理', 2)}，再问 ${mentionToken('李运营总监', 3)}`;
    expect(mentionedIds(text)).toEqual([3, 2]);
    expect(plainText(text)).toBe('@李运营总监 和 @王总经理，再问 @李运营总监');
  });

  it('makes a token that parses back to the person, whatever their name holds', () => {
    const token = mentionToken('张]三\n', 12);
    expect(token).toBe('@[张三](user:12)');
    expect(segments(token)).toEqual([{ kind: 'mention', name: '张三', userId: 12 }]);
  });
});
