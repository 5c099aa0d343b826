/** The pure rules of a process optimisation project's page: its stages as steps, the current stage's
 * document, where a link goes, what the review date says. The server decides; these only show it. */
import type {
  DocumentStage, ProjectDetail, ProjectLinkRead, ProjectRead, ProjectStage, StageDocumentRead,
} from '../../../api/types';

export const DOCUMENT_STAGES: DocumentStage[] = ['research', 'diagnosis', 'proposal', 'evaluation', 'implementation'];
export const STAGES: ProjectStage[] = [...DOCUMENT_STAGES, 'review'];

export type StepStatus = 'finish' | 'process' | 'wait';

/** Each stage's step status: those before the current one are finished, the current one is in progress
 * (in review too: periodic review never ends). */
export function stepStatuses(stage: ProjectStage): StepStatus[] {
  const at = STAGES.indexOf(stage);
  return STAGES.map((_, i) => (i < at ? 'finish' : i === at ? 'process' : 'wait'));
}

/** The document of ``stage`` in the project's current cycle (earlier cycles' are history). */
export function documentOf(project: Pick<ProjectDetail, 'documents' | 'cycle'>, stage: ProjectStage): StageDocumentRead | undefined {
  return project.documents.find((d) => d.stage === stage && d.cycle === project.cycle);
}

/** Documents of earlier cycles, newest cycle first (a reopened project keeps them). */
export function earlierCycles(project: Pick<ProjectDetail, 'documents' | 'cycle'>): { cycle: number; documents: StageDocumentRead[] }[] {
  const out = new Map<number, StageDocumentRead[]>();
  for (const d of project.documents) {
    if (d.cycle === project.cycle) continue;
    out.set(d.cycle, [...(out.get(d.cycle) ?? []), d]);
  }
  return [...out.entries()].sort((a, b) => b[0] - a[0]).map(([cycle, documents]) => ({
    cycle, documents: [...documents].sort((x, y) => DOCUMENT_STAGES.indexOf(x.stage) - DOCUMENT_STAGES.indexOf(y.stage)),
  }));
}

/** Why the advance button is not offered yet (a key in improvement.blocked), or null when it may be pressed. */
export function advanceBlocker(project: Pick<ProjectDetail, 'stage' | 'documents' | 'cycle' | 'milestones' | 'can'>): string | null {
  if (project.stage === 'review') return 'inReview';
  if (!project.can.advance) return project.stage === 'evaluation' ? 'needsAssess' : 'notYours';
  if (!documentOf(project, project.stage)?.summary.trim()) return 'noDocument';
  if (project.stage === 'implementation' && project.milestones.some((m) => !m.done)) return 'openMilestones';
  return null;
}

/** Where a link opens: a proposal's page; for a finding, the inspection or audit it came from once its
 * source is known; a manual reference that is a web address opens itself; anything else, nowhere. */
export function linkHref(link: Pick<ProjectLinkRead, 'kind' | 'target_id' | 'ref'>,
  finding?: { source: string; source_id: number } | null): string | null {
  if (link.kind === 'proposal' && link.target_id != null) return `/proposals/${link.target_id}`;
  if (link.kind === 'finding' && finding) return `/kpi/${finding.source === 'audit' ? 'audits' : 'inspections'}/${finding.source_id}`;
  if (link.kind === 'manual' && /^https?:\/\//i.test(link.ref)) return link.ref;
  return null;
}

export const isExternal = (href: string) => /^https?:\/\//i.test(href);

/** Days until the next review (negative: overdue by that many); null without a date. */
export function daysToReview(project: Pick<ProjectRead, 'next_review'>, today: Date = new Date()): number | null {
  if (!project.next_review) return null;
  const [y, m, d] = project.next_review.split('-').map(Number);
  const due = Date.UTC(y, m - 1, d);
  const now = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  return Math.round((due - now) / 86_400_000);
}

/** A date three months from ``today`` (the server's default first review), as YYYY-MM-DD. */
export function defaultReviewDate(today: Date = new Date()): string {
  const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 90);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The manual links a person typed, one per line, without blanks or repeats. */
export function linesToLinks(text: string | undefined): { ref: string; title: string }[] {
  const seen = new Set<string>();
  const out: { ref: string; title: string }[] = [];
  for (const line of (text ?? '').split('\n')) {
    const ref = line.trim();
    if (!ref || seen.has(ref)) continue;
    seen.add(ref);
    out.push({ ref, title: '' });
  }
  return out;
}
