/** 合理化建议台账: the proposals of the units I see (filters, Excel export); admins also keep the company's
 * proposal settings here (a tab). */
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Button, Input, Select, Space, Tabs, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { buildUrl } from '../../../api/client';
import { PROPOSALS_EXPORT, useProposals, useProposalSettings, type ProposalFilters } from '../../../api/proposals';
import { useSession } from '../../../app/session';
import { ErrorAlert, UnitSelect } from '../../../components/common';
import { useT } from '../../../i18n';
import { ExportButton } from '../ExportButton';
import { ProposalTable } from './ProposalTable';
import { ProposalSettingsPanel } from './ProposalSettingsPanel';
import { STATUSES } from './proposalView';

function Register() {
  const { t } = useT();
  const [filters, setFilters] = useState<ProposalFilters>({});
  const [q, setQ] = useState('');
  const proposals = useProposals(filters);
  const settings = useProposalSettings();
  const set = (patch: Partial<ProposalFilters>) => setFilters((f) => ({ ...f, ...patch, cursor: undefined }));
  const { cursor: _cursor, mine: _mine, ...exportFilters } = filters;
  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <UnitSelect allowClear value={filters.unit_id} onChange={(v) => set({ unit_id: v })} style={{ width: 190 }} />
        <Select allowClear placeholder={t('proposals.status')} aria-label={t('proposals.status')} value={filters.status} style={{ width: 120 }}
          onChange={(v) => set({ status: v })} options={STATUSES.map((s) => ({ value: s, label: t(`proposals.statuses.${s}`) }))} />
        <Select allowClear placeholder={t('proposals.category')} aria-label={t('proposals.category')} value={filters.category} style={{ width: 120 }}
          onChange={(v) => set({ category: v })} options={(settings.data?.categories ?? []).map((c) => ({ value: c, label: c }))} />
        <Input.Search allowClear placeholder={t('proposals.search')} aria-label={t('proposals.search')} value={q} style={{ width: 220 }}
          onChange={(e) => setQ(e.target.value)} onSearch={(v) => set({ q: v.trim() || undefined })} />
        <ExportButton url={buildUrl(PROPOSALS_EXPORT, exportFilters)} filename="合理化建议台账.xlsx" />
      </Space>
      <ErrorAlert error={proposals.error} />
      <ProposalTable items={proposals.data?.items ?? []} loading={proposals.isPending} emptyText={t('proposals.noProposals')} />
      <Space style={{ marginTop: 8 }}>
        <Button size="small" disabled={!filters.cursor} onClick={() => set({})}>{t('common.previous')}</Button>
        <Button size="small" disabled={!proposals.data?.next_cursor}
          onClick={() => setFilters((f) => ({ ...f, cursor: proposals.data?.next_cursor ?? undefined }))}>{t('common.next')}</Button>
      </Space>
    </div>
  );
}

export default function ProposalRegisterPage() {
  const { t } = useT();
  const { access } = useSession();
  const [params, setParams] = useSearchParams();
  const isAdmin = access.rights.has('admin');
  const tab = isAdmin && params.get('tab') === 'settings' ? 'settings' : 'register';
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 4 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('proposals.registerTitle')}</Typography.Title>
        <Link to="/proposals/new"><Button icon={<PlusOutlined />}>{t('proposals.newProposal')}</Button></Link>
      </Space>
      <Tabs activeKey={tab} onChange={(k) => setParams(k === 'settings' ? { tab: k } : {})}
        items={[
          { key: 'register', label: t('proposals.registerTab'), children: <Register /> },
          ...(isAdmin ? [{ key: 'settings', label: t('proposals.settingsTab'), children: <ProposalSettingsPanel /> }] : []),
        ]} />
    </div>
  );
}
