import type { ProjectDetail, StageDocumentRead } from '../../../api/types';
import { links } from '../../inbox/links';
import { advanceBlocker, daysToReview, defaultReviewDate, documentOf, earlierCycles, linesToLinks, linkHref, stepStatuses } from './stages';

const doc = (stage: StageDocumentRead['stage'], cycle = 1, summary = '摘要'): StageDocumentRead => ({
  id: Math.random(), cycle, stage, summary, body: '', author: '7', author_name: '刘', updated_at: '2026-12-01T00:00:00Z',
});

const project = (over: Partial<ProjectDetail> = {}): ProjectDetail => ({
  id: 1, unit_id: 7, unit_name: '市场部', title: 'x', description: '', owner_id: 7, owner_name: '刘', origin: 'manual', links: [],
  stage: 'research', cycle: 1, next_review: null, review_due: false, created_by: '3', created_by_name: '张',
  created_at: '2026-12-01T00:00:00Z', updated_at: '2026-12-01T00:00:00Z', version: 1, documents: [], milestones: [], reviews: [],
  steps: [], can: { edit: true, record_document: true, advance: true, reassign: false, milestones: true, review: false }, ...over,
});

describe('process optimisation stages', () => {
  it('finishes the stages before the current one and keeps periodic review in progress', () => {
    expect(stepStatuses('research')).toEqual(['process', 'wait', 'wait', 'wait', 'wait', 'wait']);
    expect(stepStatuses('evaluation')).toEqual(['finish', 'finish', 'finish', 'process', 'wait', 'wait']);
    expect(stepStatuses('review')).toEqual(['finish', 'finish', 'finish', 'finish', 'finish', 'process']);
  });

  it('reads the current cycle’s document and keeps earlier cycles apart, newest first', () => {
    const p = project({ cycle: 3, documents: [doc('research', 1), doc('diagnosis', 1), doc('research', 2), doc('research', 3, '新')] });
    expect(documentOf(p, 'research')?.summary).toBe('新');
    expect(documentOf(p, 'diagnosis')).toBeUndefined();
    expect(earlierCycles(p).map((c) => [c.cycle, c.documents.map((d) => d.stage)])).toEqual([[2, ['research']], [1, ['research', 'diagnosis']]]);
  });

  it('says why a project cannot move on yet', () => {
    expect(advanceBlocker(project())).toBe('noDocument');
    expect(advanceBlocker(project({ documents: [doc('research', 1, '  ')] }))).toBe('noDocument');
    expect(advanceBlocker(project({ documents: [doc('research')] }))).toBeNull();
    const evaluation = { stage: 'evaluation' as const, documents: [doc('evaluation')] };
    expect(advanceBlocker(project({ ...evaluation, can: { ...project().can, advance: false } }))).toBe('needsAssess');
    expect(advanceBlocker(project({ documents: [doc('research')], can: { ...project().can, advance: false } }))).toBe('notYours');
    const open = { id: 1, title: '试运行', due: '2027-01-01', done: false, done_at: null, overdue: false };
    expect(advanceBlocker(project({ stage: 'implementation', documents: [doc('implementation')], milestones: [open] }))).toBe('openMilestones');
    expect(advanceBlocker(project({ stage: 'implementation', documents: [doc('implementation')], milestones: [{ ...open, done: true }] }))).toBeNull();
    expect(advanceBlocker(project({ stage: 'review' }))).toBe('inReview');
  });

  it('links a proposal to its page, a finding to where it was raised, a web address to itself', () => {
    expect(linkHref({ kind: 'proposal', target_id: 12, ref: 'planning:proposal:12' })).toBe('/proposals/12');
    expect(linkHref({ kind: 'finding', target_id: 4, ref: 'kpi:finding:4' })).toBeNull();
    expect(linkHref({ kind: 'finding', target_id: 4, ref: 'kpi:finding:4' }, { source: 'audit', source_id: 9 })).toBe('/kpi/audits/9');
    expect(linkHref({ kind: 'finding', target_id: 4, ref: 'kpi:finding:4' }, { source: 'inspection', source_id: 2 })).toBe('/kpi/inspections/2');
    expect(linkHref({ kind: 'manual', target_id: null, ref: 'https://oa.example/doc/1' })).toBe('https://oa.example/doc/1');
    expect(linkHref({ kind: 'manual', target_id: null, ref: 'javascript:alert(1)' })).toBeNull();
    expect(linkHref({ kind: 'manual', target_id: null, ref: '质量手册 3.2' })).toBeNull();
  });

  it('counts the days to the next review in calendar days', () => {
    const today = new Date(2026, 11, 3, 23, 30);
    expect(daysToReview({ next_review: '2026-12-03' }, today)).toBe(0);
    expect(daysToReview({ next_review: '2026-12-01' }, today)).toBe(-2);
    expect(daysToReview({ next_review: '2027-01-02' }, today)).toBe(30);
    expect(daysToReview({ next_review: null }, today)).toBeNull();
    expect(defaultReviewDate(today)).toBe('2027-03-03');
  });

  it('turns typed lines into links without blanks or repeats', () => {
    expect(linesToLinks(' 质量手册 3.2 \n\nhttps://oa.example/1\n质量手册 3.2')).toEqual([
      { ref: '质量手册 3.2', title: '' }, { ref: 'https://oa.example/1', title: '' }]);
    expect(linesToLinks(undefined)).toEqual([]);
  });

  it('opens an inbox item on its project', () => {
    expect(links.improvement_steps({ project_id: 8 } as Parameters<typeof links.improvement_steps>[0])).toBe('/improvement/projects/8');
  });
});
