/** A list of proposals: title (to its page), unit, category, proposer, status, reward. */
import { Link } from 'react-router-dom';
import { Table, Tag } from 'antd';
import type { ProposalRead } from '../../../api/types';
import { useT } from '../../../i18n';
import { grantedReward, STATUS_COLORS } from './proposalView';

export function ProposalStatusTag({ status }: { status: ProposalRead['status'] }) {
  const { t } = useT();
  return <Tag color={STATUS_COLORS[status]}>{t(`proposals.statuses.${status}`)}</Tag>;
}

export function ProposalTable({ items, loading, emptyText, showProposer = true }: {
  items: ProposalRead[]; loading: boolean; emptyText: string; showProposer?: boolean;
}) {
  const { t } = useT();
  return (
    <Table<ProposalRead> size="small" rowKey="id" loading={loading} dataSource={items} pagination={items.length > 20 ? { pageSize: 20 } : false}
      scroll={{ x: 900 }} locale={{ emptyText }}
      columns={[
        { title: t('proposals.title'), dataIndex: 'title', render: (v: string, p) => <Link to={`/proposals/${p.id}`}>{v}</Link> },
        { title: t('proposals.unit'), dataIndex: 'unit_name', width: 130 },
        { title: t('proposals.category'), dataIndex: 'category', width: 100, render: (c: string | null) => c ?? '—' },
        ...(showProposer ? [{ title: t('proposals.proposer'), dataIndex: 'proposer_name', width: 120,
          render: (n: string, p: ProposalRead) => (p.anonymous && !p.mine ? <Tag>{t('proposals.anonymousName')}</Tag> : n) }] : []),
        { title: t('proposals.submittedAt'), dataIndex: 'created_at', width: 110, render: (d: string) => d.slice(0, 10) },
        { title: t('proposals.status'), dataIndex: 'status', width: 150, render: (s: ProposalRead['status'], p) => (
          <>
            <ProposalStatusTag status={s} />
            {p.waiting && <div style={{ fontSize: 12, color: '#888' }}>{t('proposals.waitingOn', { stage: p.waiting.name })}</div>}
          </>
        ) },
        { title: t('proposals.rewardTitle'), key: 'reward', width: 200, render: (_, p) => grantedReward(p, t) ?? '—' },
      ]} />
  );
}
