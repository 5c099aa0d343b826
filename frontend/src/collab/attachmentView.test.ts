import { DEFAULT_MAX_BYTES, fileKind, refusalBeforeUpload, sizeLabel } from './attachmentView';

describe('a file as the attachments panel shows it', () => {
  it('reads sizes in B, KB and MB', () => {
    expect(sizeLabel(300)).toBe('300 B');
    expect(sizeLabel(12.5 * 1024)).toBe('12.5 KB');
    expect(sizeLabel(DEFAULT_MAX_BYTES)).toBe('20 MB');
    expect(sizeLabel(3_355_443)).toBe('3.2 MB');
  });

  it('picks an icon from the type the server read from the bytes', () => {
    expect(fileKind('image/png')).toBe('image');
    expect(fileKind('application/pdf')).toBe('pdf');
    expect(fileKind('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).toBe('excel');
    expect(fileKind('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBe('word');
    expect(fileKind('text/csv')).toBe('text');
    expect(fileKind('application/octet-stream')).toBe('other');
  });

  it('refuses before sending what the server would refuse: too large, empty, one too many', () => {
    const limits = { maxBytes: 1024, maxCount: 2, count: 0 };
    expect(refusalBeforeUpload({ size: 1024 }, limits)).toBeNull();
    expect(refusalBeforeUpload({ size: 1025 }, limits)).toEqual({ key: 'attachments.tooLarge', vars: { limit: '1 KB' } });
    expect(refusalBeforeUpload({ size: 0 }, limits)).toEqual({ key: 'attachments.empty' });
    expect(refusalBeforeUpload({ size: 10 }, { ...limits, count: 2 })).toEqual({ key: 'attachments.full', vars: { count: 2 } });
  });
});
