import { Card, Descriptions, List, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { usePositions, useRoles } from '../../api/org';
import type { PositionRead } from '../../api/types';
import { ErrorAlert, useUnitNames } from '../../components/common';
import { useT } from '../../i18n';

export default function PositionsPage() {
  const { t } = useT();
  const positions = usePositions();
  const roles = useRoles();
  const units = useUnitNames();
  const roleName = new Map((roles.data?.items ?? []).map((r) => [r.id, r.name]));
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('org.positionsTitle')}</Typography.Title>
      <ErrorAlert error={positions.error} />
      <Table<PositionRead> size="small" rowKey="id" loading={positions.isPending} dataSource={positions.data?.items ?? []} pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('org.noPositions') }}
        expandable={{ expandedRowRender: (p) => (
          <Card size="small" variant="borderless">
            <Typography.Text strong>{t('org.responsibilities')}</Typography.Text>
            <List size="small" dataSource={p.responsibilities} locale={{ emptyText: '—' }} renderItem={(r) => <List.Item>{r}</List.Item>} />
            <Typography.Text strong>{t('org.requirements')}</Typography.Text>
            <Descriptions size="small" column={2} items={[
              { key: 'e', label: t('org.education'), children: p.requirements.education || '—' },
              { key: 'y', label: t('org.yearsExperience'), children: p.requirements.years_experience ?? '—' },
              { key: 'm', label: t('org.managementYears'), children: p.requirements.management_years ?? '—' },
              { key: 's', label: t('org.skills'), children: <Space wrap>{(p.requirements.skills ?? []).map((s) => <Tag key={s}>{s}</Tag>)}</Space> },
              { key: 't', label: t('org.training'), children: <Space wrap>{(p.requirements.training ?? []).map((s) => <Tag key={s}>{s}</Tag>)}</Space> },
              { key: 'r', label: t('org.traits'), children: <Space wrap>{(p.requirements.traits ?? []).map((s) => <Tag key={s}>{s}</Tag>)}</Space> },
            ]} />
          </Card>
        ) }}
        columns={[
          { title: t('org.position'), dataIndex: 'title', render: (title: string, p) => (
            <Space>{title}{p.heads_unit && <Tooltip title={t('org.headsUnitHelp')}><Tag color="blue">{t('org.headsUnit')}</Tag></Tooltip>}</Space>
          ) },
          { title: t('common.unit'), dataIndex: 'unit_id', render: (id: number) => units.get(id)?.name ?? id },
          { title: t('org.role'), dataIndex: 'role_id', render: (id: number) => roleName.get(id) ?? id },
          { title: t('org.responsibilities'), dataIndex: 'responsibilities', render: (r: string[]) => r.length },
        ]} />
    </div>
  );
}
