import { accessOf } from '../../app/access';
import { canDispatch, canReportProgress } from './taskAccess';

const g = (right: string, unit_path: string, mode: string) => ({ right, unit_path, mode });

describe('canDispatch', () => {
  const grants = [g('dispatch', '/1/7/', 'subtree'), g('view', '/1/', 'subtree')];
  it('needs dispatch over the plan unit', () => {
    const access = accessOf(grants);
    expect(canDispatch(access, grants, '/1/7/')).toBe(true);
    expect(canDispatch(access, grants, '/1/2/')).toBe(false);
    expect(canDispatch(access, grants, undefined)).toBe(false);
  });
  it('refuses a user without the right at all', () => {
    const viewOnly = [g('view', '/1/', 'subtree')];
    expect(canDispatch(accessOf(viewOnly), viewOnly, '/1/7/')).toBe(false);
  });
});

describe('canReportProgress', () => {
  it('is for the owner of an open task', () => {
    expect(canReportProgress(5, { owner_id: 5, status: 'in_progress' })).toBe(true);
    expect(canReportProgress(5, { owner_id: 6, status: 'in_progress' })).toBe(false);
    expect(canReportProgress(5, { owner_id: 5, status: 'cancelled' })).toBe(false);
    expect(canReportProgress(undefined, { owner_id: null, status: 'done' })).toBe(false);
  });
});
