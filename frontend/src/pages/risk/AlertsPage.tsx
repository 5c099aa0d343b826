import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { drillNumber, drillText } from '../../app/drill';
import { Button, Form, Input, Modal, Segmented, Space, Switch, Table, Tag, Typography } from 'antd';
import { useAlerts, useAlertTransition } from '../../api/risk';
import type { AlertRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { fmtNum } from '../../charts/kpi';
import { IndicatorName } from '../../components/Indicator';
import { ErrorAlert } from '../../components/common';
import { useT } from '../../i18n';

const STATUS_COLOR: Record<string, string> = { open: 'error', acknowledged: 'warning', resolved: 'success' };
const ts = (v: string | null | undefined) => (v ? v.slice(0, 16).replace('T', ' ') : '—');

export default function AlertsPage() {
  const { t } = useT();
  const { me, access } = useSession();
  // from a cockpit tile: one unit's alerts (not only mine), perhaps of one level
  const [drill] = useSearchParams();
  const unit_id = drillNumber(drill, 'unit_id');
  const level = drillText(drill, 'level');
  const [mine, setMine] = useState(unit_id === undefined);
  const [status, setStatus] = useState<string>(() => drillText(drill, 'status') ?? 'active');
  const alerts = useAlerts({ mine, status: status === 'active' || status === 'all' ? undefined : status, unit_id, level });
  const transition = useAlertTransition();
  const feedback = useApiFeedback();
  const [acting, setActing] = useState<{ alert: AlertRead; action: 'acknowledge' | 'resolve' } | null>(null);
  const [form] = Form.useForm<{ note: string }>();
  const items = (alerts.data?.items ?? []).filter((a) => status !== 'active' || a.status !== 'resolved');
  const mayAct = (a: AlertRead) => a.owner_id === me?.user.id || access.rights.has('dispatch') || access.rights.has('plan');
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('risk.alertsTitle')}</Typography.Title>
        <Space wrap>
          <Space size={4}><Switch size="small" checked={mine} onChange={setMine} aria-label={t('risk.mineOnly')} />{t('risk.mineOnly')}</Space>
          <Segmented value={status} onChange={(v) => setStatus(v as string)}
            options={['active', 'open', 'acknowledged', 'resolved', 'all'].map((s) => ({ value: s, label: t(`risk.alertFilter.${s}`) }))} />
        </Space>
      </Space>
      <ErrorAlert error={alerts.error} />
      <Table<AlertRead> size="small" rowKey="id" loading={alerts.isPending} dataSource={items} pagination={false} scroll={{ x: 1100 }}
        locale={{ emptyText: t('risk.noAlerts') }}
        columns={[
          { title: t('risk.level'), dataIndex: 'level', width: 80, render: (l: string) => <Tag color={l === 'critical' ? 'red' : 'orange'}>{t(`risk.alertLevels.${l}`)}</Tag> },
          { title: t('risk.risk'), dataIndex: 'risk_title', render: (v: string | null, a) => <Link to={`/risk/${a.risk_id}`}>{v ?? `#${a.risk_id}`}</Link> },
          { title: t('risk.indicator'), dataIndex: 'indicator_code', width: 170, render: (c: string) => <IndicatorName code={c} /> },
          { title: t('risk.valueThreshold'), width: 110, render: (_, a) => `${fmtNum(a.value)} / ${fmtNum(a.threshold)}` },
          { title: t('risk.period'), dataIndex: 'period', width: 80 },
          { title: t('risk.raisedAt'), dataIndex: 'raised_at', width: 130, render: ts },
          { title: t('risk.status'), dataIndex: 'status', width: 90, render: (s: string, a) => (
            <Space direction="vertical" size={0}>
              <Tag color={STATUS_COLOR[s] ?? 'default'}>{t(`risk.alertStatuses.${s}`)}</Tag>
              {(a.resolve_note || a.acknowledge_note) && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{a.resolve_note || a.acknowledge_note}</Typography.Text>}
            </Space>
          ) },
          { title: '', width: 150, render: (_, a) => mayAct(a) && a.status !== 'resolved' && (
            <Space size={4}>
              {a.status === 'open' && <Button size="small" onClick={() => { form.resetFields(); setActing({ alert: a, action: 'acknowledge' }); }}>{t('risk.acknowledge')}</Button>}
              <Button size="small" type="primary" onClick={() => { form.resetFields(); setActing({ alert: a, action: 'resolve' }); }}>{t('risk.resolve')}</Button>
            </Space>
          ) },
        ]} />
      <Modal open={acting !== null} title={acting ? t(`risk.${acting.action}Title`, { title: acting.alert.risk_title ?? '' }) : ''} onCancel={() => setActing(null)}
        onOk={() => form.submit()} okText={acting ? t(`risk.${acting.action}`) : undefined} okButtonProps={{ loading: transition.isPending }} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={async (v) => {
          if (!acting) return;
          try {
            await transition.mutateAsync({ id: acting.alert.id, action: acting.action, note: v.note ?? '' });
            feedback.ok(t(acting.action === 'acknowledge' ? 'risk.acknowledged' : 'risk.resolved'));
            setActing(null);
          } catch (err) { feedback.fail(err, form); }
        }}>
          <Form.Item name="note" label={t('risk.note')}
            rules={acting?.action === 'resolve' ? [{ required: true, whitespace: true, message: t('risk.noteRequired') }] : []}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
