import { links } from './links';
import type { InboxRead } from '../../api/types';

type Item<K extends keyof InboxRead> = InboxRead[K] extends (infer T)[] ? T : never;

describe('inbox links', () => {
  it('opens a suggestion on the approval tab of its plan', () => {
    expect(links.suggestions_to_answer({ id: 5, plan_id: 12 } as Item<'suggestions_to_answer'>)).toBe('/plans/12?tab=approval');
  });

  it('edits a returned plan and shows a vetoed one with its reason', () => {
    expect(links.plans_to_rework({ id: 3, status: 'returned' } as Item<'plans_to_rework'>)).toBe('/plans/3/edit');
    expect(links.plans_to_rework({ id: 4, status: 'vetoed' } as Item<'plans_to_rework'>)).toBe('/plans/4?tab=approval');
  });

  it('sends an overdue task of ones own to progress and anyone else’s to dispatch', () => {
    const task = { id: 1, owner_id: 7 } as Item<'overdue_tasks'>;
    expect(links.overdue_tasks(task, 7)).toBe('/plans/tasks?tab=mine');
    expect(links.overdue_tasks(task, 4)).toBe('/plans/tasks?tab=dispatch');
    expect(links.overdue_tasks({ id: 2, owner_id: null } as Item<'overdue_tasks'>, undefined)).toBe('/plans/tasks?tab=dispatch');
  });

  it('opens a risk action on its risk', () => {
    expect(links.risk_actions({ id: 9, risk_id: 31 } as Item<'risk_actions'>)).toBe('/risk/31');
  });
});
