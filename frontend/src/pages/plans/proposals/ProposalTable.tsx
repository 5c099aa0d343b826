/** A list of proposals: title (to its page), unit, category, proposer, status, reward. */
import { Link } from 'react-router-dom';
import { Card, Grid, List, Space, Table, Tag, Typography } from 'antd';
import type { ProposalRead } from '../../../api/types';
import { useT } from '../../../i18n';
import { grantedReward, STATUS_COLORS } from './proposalView';

export function ProposalStatusTag({ status }: { status: ProposalRead['status'] }) {
  const { t } = useT();
  return <Tag color={STATUS_COLORS[status]}>{t(`proposals.statuses.${status}`)}</Tag>;
}

/** On a phone: one card per proposal, its status and reward in sight without scrolling sideways. */
function ProposalCards({ items, loading, emptyText, showProposer }: {
  items: ProposalRead[]; loading: boolean; emptyText: string; showProposer: boolean;
}) {
  const { t } = useT();
  return (
    <List<ProposalRead> loading={loading} dataSource={items} locale={{ emptyText }} split={false}
      renderItem={(p) => {
        const reward = grantedReward(p, t);
        return (
          <List.Item key={p.id} style={{ padding: '4px 0' }}>
            <Card size="small" style={{ width: '100%' }} data-testid="proposal-card">
              <Space direction="vertical" size={4} style={{ width: '100%' }}>
                <Link to={`/proposals/${p.id}`}>{p.title}</Link>
                <Space size={6} wrap>
                  <ProposalStatusTag status={p.status} />
                  <span>{p.unit_name}</span>
                  {showProposer && <span>{p.anonymous && !p.mine ? t('proposals.anonymousName') : p.proposer_name}</span>}
                  <Typography.Text type="secondary">{p.created_at.slice(0, 10)}</Typography.Text>
                </Space>
                {p.waiting && <Typography.Text type="secondary">{t('proposals.waitingOn', { stage: p.waiting.name })}</Typography.Text>}
                {reward && <Typography.Text strong>{reward}</Typography.Text>}
              </Space>
            </Card>
          </List.Item>
        );
      }} />
  );
}

export function ProposalTable({ items, loading, emptyText, showProposer = true }: {
  items: ProposalRead[]; loading: boolean; emptyText: string; showProposer?: boolean;
}) {
  const { t } = useT();
  const screens = Grid.useBreakpoint();
  if (screens.md === false) return <ProposalCards items={items} loading={loading} emptyText={emptyText} showProposer={showProposer} />;
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
