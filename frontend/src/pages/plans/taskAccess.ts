/** Who may do what to a task, as the planning service decides it (services/planning/api/tracking.py). */
import type { GrantRead } from '../../api/types';
import { allows, type Access } from '../../app/access';
import { canOver } from '../../app/grants';

type GrantLike = Pick<GrantRead, 'right' | 'unit_path' | 'mode'>;

/** 调度权 over a unit: the menu-level right first (access.ts), then a grant that covers the unit. */
export function canDispatch(access: Access, grants: GrantLike[] | undefined, unitPath: string | undefined): boolean {
  return allows({ right: 'dispatch' }, access) && canOver(grants, 'dispatch', unitPath);
}

/** Progress is reported by the task's owner, on tasks of issued or published plans that are still open. */
export function canReportProgress(userId: number | undefined, task: { owner_id: number | null; status: string }): boolean {
  return userId !== undefined && task.owner_id === userId && task.status !== 'cancelled';
}
