/** 流程优化项目: the register of process optimisation projects (filters, Excel) and starting one. */
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { Button, Checkbox, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { projectsExportUrl, useProjects, type ProjectListParams } from '../../../api/improvement';
import type { ProjectRead } from '../../../api/types';
import { allows } from '../../../app/access';
import { useSession } from '../../../app/session';
import { ErrorAlert, UnitSelect } from '../../../components/common';
import { useT } from '../../../i18n';
import { ExportButton } from '../ExportButton';
import { NewProjectModal, type NewProjectPrefill } from './NewProjectModal';
import { ReviewTag, StageTag } from './parts';
import { STAGES } from './stages';

const ORIGINS = ['proposal', 'finding', 'manual'] as const;

/** The register's filters from the address (so a filtered view can be shared and comes back on reload). */
function filtersOf(params: URLSearchParams): ProjectListParams {
  const stage = params.get('stage');
  const origin = params.get('origin');
  const unit = Number(params.get('unit_id'));
  return {
    unit_id: Number.isFinite(unit) && unit > 0 ? unit : undefined,
    stage: stage && (STAGES as string[]).includes(stage) ? (stage as ProjectListParams['stage']) : undefined,
    origin: origin && (ORIGINS as readonly string[]).includes(origin) ? (origin as ProjectListParams['origin']) : undefined,
    mine: params.get('mine') === 'true' || undefined,
    review_due: params.get('review_due') === 'true' || undefined,
    q: params.get('q') || undefined,
  };
}

/** What the address asks the new-project dialog to start with, or null when it does not ask for it. */
function prefillOf(params: URLSearchParams): NewProjectPrefill | null {
  if (params.get('new') !== '1') return null;
  const finding = Number(params.get('finding_id'));
  const unit = Number(params.get('unit_id'));
  return {
    unit_id: Number.isFinite(unit) && unit > 0 ? unit : undefined,
    finding_id: Number.isFinite(finding) && finding > 0 ? finding : undefined,
    finding_title: params.get('finding_title') ?? undefined,
    title: params.get('title') ?? undefined,
  };
}

export default function ProjectRegisterPage() {
  const { t } = useT();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const [cursor, setCursor] = useState<string | undefined>();
  const projects = useProjects({ ...filters, cursor });
  const { access } = useSession();
  const [q, setQ] = useState(filters.q ?? '');
  // another page (a finding, an inspection) may open the register with ?new=1&finding_id=…&unit_id=…&title=…
  const [dialog, setDialog] = useState<NewProjectPrefill | null>(() => prefillOf(params));
  const set = (patch: Record<string, string | number | boolean | undefined>) => {
    const next = new URLSearchParams(params);
    next.delete('new');
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '' || v === false) next.delete(k);
      else next.set(k, String(v));
    }
    setCursor(undefined);
    setParams(next, { replace: true });
  };
  const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
  const exportUrl = `${projectsExportUrl}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`;
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 4 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('improvement.registerTitle')}</Typography.Title>
        <Space wrap>
          <ExportButton url={exportUrl} filename={t('improvement.exportName')} />
          {allows({ right: 'plan' }, access) && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ unit_id: filters.unit_id })}>{t('improvement.newProject')}</Button>
          )}
        </Space>
      </Space>
      <Typography.Paragraph type="secondary">{t('improvement.registerHelp')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <UnitSelect allowClear value={filters.unit_id} onChange={(v) => set({ unit_id: v })} style={{ width: 190 }} />
        <Select allowClear placeholder={t('improvement.columns.stage')} aria-label={t('improvement.columns.stage')} value={filters.stage}
          onChange={(v) => set({ stage: v })} style={{ width: 120 }}
          options={STAGES.map((s) => ({ value: s, label: t(`improvement.stage.${s}`) }))} />
        <Select allowClear placeholder={t('improvement.columns.origin')} aria-label={t('improvement.columns.origin')} value={filters.origin}
          onChange={(v) => set({ origin: v })} style={{ width: 150 }}
          options={ORIGINS.map((o) => ({ value: o, label: t(`improvement.origin.${o}`) }))} />
        <Checkbox checked={!!filters.mine} onChange={(e) => set({ mine: e.target.checked })}>{t('improvement.mine')}</Checkbox>
        <Checkbox checked={!!filters.review_due} onChange={(e) => set({ review_due: e.target.checked })}>{t('improvement.reviewDueOnly')}</Checkbox>
        <Input.Search allowClear placeholder={t('improvement.search')} aria-label={t('improvement.search')} value={q}
          onChange={(e) => setQ(e.target.value)} onSearch={(v) => set({ q: v.trim() || undefined })} style={{ width: 180 }} />
      </Space>
      <ErrorAlert error={projects.error} />
      <Table<ProjectRead> size="small" rowKey="id" loading={projects.isPending} dataSource={projects.data?.items ?? []}
        pagination={false} scroll={{ x: 950 }} locale={{ emptyText: t('improvement.noProjects') }}
        onRow={(p) => ({ onDoubleClick: () => navigate(`/improvement/projects/${p.id}`) })}
        columns={[
          { title: t('improvement.columns.title'), dataIndex: 'title', render: (v: string, p) => <Link to={`/improvement/projects/${p.id}`}>{v}</Link> },
          { title: t('improvement.columns.unit'), dataIndex: 'unit_name', width: 130 },
          { title: t('improvement.columns.owner'), dataIndex: 'owner_name', width: 120, render: (v: string) => v || '—' },
          { title: t('improvement.columns.origin'), dataIndex: 'origin', width: 130, render: (o: string) => <Tag>{t(`improvement.origin.${o}`)}</Tag> },
          { title: t('improvement.columns.stage'), dataIndex: 'stage', width: 110, render: (_: string, p) => <StageTag project={p} /> },
          { title: t('improvement.columns.nextReview'), dataIndex: 'next_review', width: 220, render: (_: string, p) => <ReviewTag project={p} /> },
        ]} />
      <Space style={{ marginTop: 8 }}>
        <Button size="small" disabled={!cursor} onClick={() => setCursor(undefined)}>{t('common.previous')}</Button>
        <Button size="small" disabled={!projects.data?.next_cursor} onClick={() => setCursor(projects.data?.next_cursor ?? undefined)}>{t('common.next')}</Button>
      </Space>
      <NewProjectModal prefill={dialog} onClose={() => setDialog(null)} onCreated={(p) => navigate(`/improvement/projects/${p.id}`)} />
    </div>
  );
}
