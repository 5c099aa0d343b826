/** 我的建议: the proposals I submitted, with where they stand and the reward I was granted. */
import { Link } from 'react-router-dom';
import { Button, Space, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useProposals } from '../../../api/proposals';
import { ErrorAlert } from '../../../components/common';
import { useT } from '../../../i18n';
import { ProposalTable } from './ProposalTable';

export default function MyProposalsPage() {
  const { t } = useT();
  const mine = useProposals({ mine: true });
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('proposals.mineTitle')}</Typography.Title>
        <Link to="/proposals/new"><Button type="primary" icon={<PlusOutlined />}>{t('proposals.newProposal')}</Button></Link>
      </Space>
      <ErrorAlert error={mine.error} />
      <ProposalTable items={mine.data?.items ?? []} loading={mine.isPending} emptyText={t('proposals.noMine')} showProposer={false} />
    </div>
  );
}
