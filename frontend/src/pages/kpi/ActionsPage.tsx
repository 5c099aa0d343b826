import { useState } from 'react';
import { Button, Form, Input, Modal, Radio, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useCompleteAction, useKpiActions, useVerifyAction } from '../../api/kpi';
import type { ImprovementActionRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { IndicatorName } from '../../components/Indicator';
import { ErrorAlert, UnitSelect } from '../../components/common';
import { useT } from '../../i18n';

const STATUS_COLOR: Record<string, string> = { open: 'processing', done: 'gold', verified: 'success' };

export default function ActionsPage() {
  const { t } = useT();
  const { me, access } = useSession();
  const [unit, setUnit] = useState<number | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [overdue, setOverdue] = useState(false);
  const [cursor, setCursor] = useState<string | undefined>();
  const list = useKpiActions({ unit_id: unit, status, overdue: overdue || undefined, cursor });
  const complete = useCompleteAction();
  const verify = useVerifyAction();
  const feedback = useApiFeedback();
  const [completing, setCompleting] = useState<ImprovementActionRead | null>(null);
  const [verifying, setVerifying] = useState<ImprovementActionRead | null>(null);
  const [cForm] = Form.useForm<{ note: string; url?: string }>();
  const [vForm] = Form.useForm<{ accepted: boolean; note?: string }>();
  const userId = me?.user.id;
  const canComplete = (a: ImprovementActionRead) => a.status === 'open' && (a.owner_id === userId || access.rights.has('plan'));
  const canVerify = (a: ImprovementActionRead) => a.status === 'done'
    && (a.raised_by === 'system' ? access.rights.has('plan') || access.rights.has('assess') : a.raised_by === String(userId) || a.raised_by === me?.user.username);
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('kpi.actionsTitle')}</Typography.Title>
        <Space wrap>
          <UnitSelect allowClear value={unit} onChange={(v) => { setUnit(v); setCursor(undefined); }} style={{ width: 200 }} />
          <Select allowClear placeholder={t('kpi.actionStatus')} aria-label={t('kpi.actionStatus')} value={status} onChange={(v) => { setStatus(v); setCursor(undefined); }} style={{ width: 130 }}
            options={['open', 'done', 'verified'].map((s) => ({ value: s, label: t(`kpi.actionStatuses.${s}`) }))} />
          <Space size={4}><Switch size="small" checked={overdue} onChange={(v) => { setOverdue(v); setCursor(undefined); }} aria-label={t('kpi.overdueOnly')} />{t('kpi.overdueOnly')}</Space>
        </Space>
      </Space>
      <ErrorAlert error={list.error} />
      <Table<ImprovementActionRead> size="small" rowKey="id" loading={list.isPending} dataSource={list.data?.items ?? []} pagination={false} scroll={{ x: 1100 }}
        locale={{ emptyText: t('kpi.noActions') }}
        columns={[
          { title: t('kpi.actionTitle'), dataIndex: 'title', render: (v: string, a) => <Space direction="vertical" size={0}><span>{v}</span><Typography.Text type="secondary" style={{ fontSize: 12 }}>{a.description}</Typography.Text></Space> },
          { title: t('kpi.indicator'), dataIndex: 'indicator_code', width: 170, render: (c: string | null) => (c ? <IndicatorName code={c} /> : '—') },
          { title: t('kpi.period'), dataIndex: 'period', width: 80, render: (p: string | null) => p ?? '—' },
          { title: t('kpi.owner'), dataIndex: 'owner_name', width: 90, render: (n: string) => n || '—' },
          { title: t('kpi.due'), dataIndex: 'due', width: 100, render: (d: string, a) => <span style={{ color: a.overdue ? '#cf1322' : undefined }}>{d}</span> },
          { title: t('kpi.actionStatus'), dataIndex: 'status', width: 110, render: (s: string, a) => <Space size={2}><Tag color={STATUS_COLOR[s] ?? 'default'}>{t(`kpi.actionStatuses.${s}`)}</Tag>{a.overdue && <Tag color="red">{t('kpi.overdue')}</Tag>}</Space> },
          { title: '', width: 150, render: (_, a) => (
            <Space size={4}>
              {canComplete(a) && <Button size="small" onClick={() => { cForm.resetFields(); setCompleting(a); }}>{t('kpi.complete')}</Button>}
              {canVerify(a) && <Button size="small" type="primary" onClick={() => { vForm.resetFields(); setVerifying(a); }}>{t('kpi.verify')}</Button>}
            </Space>
          ) },
        ]} />
      <Space style={{ marginTop: 8 }}>
        <Button size="small" disabled={!cursor} onClick={() => setCursor(undefined)}>{t('common.previous')}</Button>
        <Button size="small" disabled={!list.data?.next_cursor} onClick={() => setCursor(list.data?.next_cursor ?? undefined)}>{t('common.next')}</Button>
      </Space>
      <Modal open={completing !== null} title={t('kpi.completeTitle', { title: completing?.title ?? '' })} onCancel={() => setCompleting(null)} onOk={() => cForm.submit()} okButtonProps={{ loading: complete.isPending }} destroyOnHidden>
        <Form form={cForm} layout="vertical" onFinish={async (v) => {
          if (!completing) return;
          try {
            await complete.mutateAsync({ id: completing.id, body: { evidence: [{ note: v.note, url: v.url || null }] } });
            feedback.ok(t('kpi.completed'));
            setCompleting(null);
          } catch (err) { feedback.fail(err, cForm); }
        }}>
          <Form.Item name="note" label={t('kpi.evidenceNote')} rules={[{ required: true, whitespace: true, message: t('kpi.evidenceRequired') }]}><Input.TextArea rows={3} /></Form.Item>
          <Form.Item name="url" label={t('kpi.evidenceUrl')} rules={[{ type: 'url', message: t('kpi.urlInvalid') }]}><Input placeholder="https://" /></Form.Item>
        </Form>
      </Modal>
      <Modal open={verifying !== null} title={t('kpi.verifyTitle', { title: verifying?.title ?? '' })} onCancel={() => setVerifying(null)} onOk={() => vForm.submit()} okButtonProps={{ loading: verify.isPending }} destroyOnHidden>
        {verifying && verifying.evidence.length > 0 && (
          <ul style={{ paddingInlineStart: 18 }}>
            {verifying.evidence.map((e, i) => {
              const url = typeof e.url === 'string' && /^https?:\/\//.test(e.url) ? e.url : null;
              return <li key={i}>{String(e.note ?? '')}{url && <> · <a href={url} target="_blank" rel="noreferrer">{url}</a></>}</li>;
            })}
          </ul>
        )}
        <Form form={vForm} layout="vertical" initialValues={{ accepted: true }} onFinish={async (v) => {
          if (!verifying) return;
          try {
            await verify.mutateAsync({ id: verifying.id, body: { accepted: v.accepted, note: v.note ?? '' } });
            feedback.ok(t('kpi.verified'));
            setVerifying(null);
          } catch (err) { feedback.fail(err, vForm); }
        }}>
          <Form.Item name="accepted" label={t('kpi.verdict')}>
            <Radio.Group options={[{ value: true, label: t('kpi.accept') }, { value: false, label: t('kpi.sendBack') }]} />
          </Form.Item>
          <Form.Item name="note" label={t('kpi.note')}><Input.TextArea rows={2} /></Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
