/** TanStack Query hooks for planning's improvement proposals (合理化建议); keys are ['planning', resource, params]. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type {
  Page, ProposalBenefitBody, ProposalCreate, ProposalDecisionBody, ProposalDetail, ProposalRead, ProposalRewardBody,
  ProposalSettingsRead, ProposalSettingsUpdate, ProposalStatus,
} from './types';

const P = '/api/planning/proposals';
export const proposalPath = (id: number) => `${P}/${id}`;
export const PROPOSALS_EXPORT = `${P}/export.xlsx`;
export const SETTINGS_PATH = `${P}/settings`;

export type ProposalFilters = {
  mine?: boolean; status?: ProposalStatus; unit_id?: number; category?: string; q?: string; cursor?: string;
};

export function useProposals(filters: ProposalFilters, enabled = true) {
  return useQuery({
    queryKey: ['planning', 'proposals', filters],
    queryFn: ({ signal }) => api.get<Page<ProposalRead>>(P, { limit: 100, ...filters }, signal),
    enabled,
  });
}

export function useProposal(id: number | undefined) {
  return useQuery({
    queryKey: ['planning', 'proposal', { id }],
    queryFn: ({ signal }) => api.get<ProposalDetail>(proposalPath(id as number), undefined, signal),
    enabled: id !== undefined && Number.isFinite(id),
  });
}

export function useProposalSettings() {
  return useQuery({
    queryKey: ['planning', 'proposal-settings', {}],
    queryFn: ({ signal }) => api.get<ProposalSettingsRead>(SETTINGS_PATH, undefined, signal),
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ['planning', 'proposals'] });
    void qc.invalidateQueries({ queryKey: ['planning', 'proposal'] });
    void qc.invalidateQueries({ queryKey: ['gateway', 'inbox'] });
  };
}

export function useSubmitProposal() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (body: ProposalCreate) => api.post<ProposalDetail>(P, body), onSuccess: done });
}

export function useUpdateProposalSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ProposalSettingsUpdate) => api.patch<ProposalSettingsRead>(SETTINGS_PATH, body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['planning', 'proposal-settings'] }),
  });
}

type Step =
  | { what: 'decision'; body: ProposalDecisionBody }
  | { what: 'benefit'; body: ProposalBenefitBody }
  | { what: 'reward'; body: ProposalRewardBody };

/** A step on a proposal, sent with the ETag of the version the page showed (412 when someone acted first). */
export function useProposalStep(id: number) {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (step: Step) => api.post<ProposalDetail>(`${proposalPath(id)}/${step.what}`, step.body, { ifMatch: proposalPath(id) }),
    onSuccess: done,
  });
}
