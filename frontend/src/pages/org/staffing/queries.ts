/** TanStack Query hooks for 人员编制 (org's staffing); keys are ['org', resource, params]. */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../../api/client';
import type { Page } from '../../../api/types';
import type { StaffingRead, VacancyRead } from './staffing';

export function useStaffing(unitId: number | undefined, period: string) {
  return useQuery({
    queryKey: ['org', 'staffing', { unitId, period }],
    queryFn: ({ signal }) => api.get<StaffingRead>('/api/org/staffing', { unit_id: unitId as number, period }, signal),
    enabled: unitId !== undefined,
  });
}

export function useVacancies(unitId: number | undefined) {
  return useQuery({
    queryKey: ['org', 'staffing-vacancies', { unitId }],
    queryFn: ({ signal }) => api.get<Page<VacancyRead>>('/api/org/staffing/vacancies', { unit_id: unitId as number }, signal),
    enabled: unitId !== undefined,
  });
}
