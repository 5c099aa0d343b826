import { useState } from 'react';
import { Alert, Button, Card, Segmented, Space, Table, Typography } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { SERVICES, useAudit, useAuditVerify, type Service } from '../../api/admin';
import type { AuditEntryRead } from '../../api/types';
import { ErrorAlert } from '../../components/common';
import { useT } from '../../i18n';

export default function AuditPage() {
  const { t } = useT();
  const [service, setService] = useState<Service>('planning');
  const [cursors, setCursors] = useState<string[]>([]);
  const audit = useAudit(service, { cursor: cursors[cursors.length - 1] });
  const [verifying, setVerifying] = useState(false);
  const verify = useAuditVerify(service, verifying);
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('admin.auditTitle')}</Typography.Title>
        <Space>
          <Segmented value={service} onChange={(v) => { setService(v as Service); setCursors([]); setVerifying(false); }}
            options={SERVICES.map((s) => ({ value: s, label: t(`admin.service.${s}`) }))} />
          <Button icon={<SafetyCertificateOutlined />} loading={verifying && verify.isFetching} onClick={() => { setVerifying(true); void verify.refetch(); }}>{t('admin.verify')}</Button>
        </Space>
      </Space>
      {verifying && verify.data && (
        <Alert style={{ marginBottom: 12 }} showIcon type={verify.data.ok ? 'success' : 'error'}
          message={verify.data.ok ? t('admin.chainOk', { n: verify.data.entries }) : t('admin.chainBroken', { seq: verify.data.broken_at ?? '?' })}
          description={verify.data.reason ?? undefined} />
      )}
      <ErrorAlert error={audit.error ?? verify.error} />
      <Card size="small">
        <Table<AuditEntryRead> size="small" rowKey="seq" loading={audit.isPending} dataSource={audit.data?.items ?? []} pagination={false} locale={{ emptyText: t('admin.noAudit') }}
          expandable={{ expandedRowRender: (e) => <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}>{JSON.stringify({ before: e.before, after: e.after, grant: e.grant, request_id: e.request_id }, null, 1)}</pre> }}
          columns={[
            { title: '#', dataIndex: 'seq', width: 60 },
            { title: t('admin.at'), dataIndex: 'at', width: 150, render: (v: string) => v.slice(0, 19).replace('T', ' ') },
            { title: t('admin.actor'), dataIndex: 'actor_name', width: 120, render: (v: string, e) => v || e.actor },
            { title: t('admin.action'), dataIndex: 'action', width: 160 },
            { title: t('admin.subject'), render: (_, e) => `${e.subject_type} ${e.subject_id}` },
            { title: t('admin.grant'), dataIndex: 'grant', render: (g: Record<string, unknown> | null) => (g ? `${String(g.right ?? '')} @ ${String(g.unit_path ?? '')}` : '—') },
            { title: t('admin.note'), dataIndex: 'note', ellipsis: true },
          ]} />
        <Space style={{ marginTop: 8 }}>
          <Button disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>{t('common.previous')}</Button>
          <Button disabled={!audit.data?.next_cursor} onClick={() => audit.data?.next_cursor && setCursors((c) => [...c, audit.data.next_cursor as string])}>{t('common.next')}</Button>
        </Space>
      </Card>
    </div>
  );
}
