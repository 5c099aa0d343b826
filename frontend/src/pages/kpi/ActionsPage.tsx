/** 改进措施: the improvement actions the user may see. Whoever owns one, or holds plan over its unit,
 * reports progress on it and reports it done; whoever raised it verifies. Every write sends the
 * row's version as If-Match, so a change made meanwhile by someone else is refused, not lost. */
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { drillNumber, drillText } from '../../app/drill';
import { Button, Col, Form, Input, InputNumber, Modal, Progress, Radio, Row, Select, Slider, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useCompleteAction, useKpiActions, useReportActionProgress, useVerifyAction } from '../../api/kpi';
import type { ImprovementActionRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { IndicatorName } from '../../components/Indicator';
import { ErrorAlert, UnitSelect } from '../../components/common';
import { useT } from '../../i18n';
import { ActionFormModal, RAISE_RIGHTS } from './ActionFormModal';
import { EvidenceList } from './EvidenceList';
import { canOver } from '../../app/grants';
import { DiscussButton } from '../../collab/RecordCollab';

/** a new action from this page starts blank (a stable object: the dialog resets when it changes) */
const NO_SEED = { origin: 'manual' as const };
const STATUS_COLOR: Record<string, string> = { open: 'processing', done: 'gold', verified: 'success' };

export default function ActionsPage() {
  const { t } = useT();
  const { me, access } = useSession();
  const [drill] = useSearchParams();
  const [unit, setUnit] = useState<number | undefined>(() => drillNumber(drill, 'unit_id'));
  const [status, setStatus] = useState<string | undefined>(() => drillText(drill, 'status'));
  const [overdue, setOverdue] = useState(() => drill.get('overdue') === 'true');
  const [cursor, setCursor] = useState<string | undefined>();
  const list = useKpiActions({ unit_id: unit, status, overdue: overdue || undefined, cursor });
  const complete = useCompleteAction();
  const verify = useVerifyAction();
  const progress = useReportActionProgress();
  const feedback = useApiFeedback();
  const [completing, setCompleting] = useState<ImprovementActionRead | null>(null);
  const [verifying, setVerifying] = useState<ImprovementActionRead | null>(null);
  const [reporting, setReporting] = useState<ImprovementActionRead | null>(null);
  const [cForm] = Form.useForm<{ note: string; url?: string }>();
  const [pForm] = Form.useForm<{ progress: number; note: string; url?: string }>();
  const [vForm] = Form.useForm<{ accepted: boolean; note?: string }>();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<ImprovementActionRead | null>(null);
  const userId = me?.user.id;
  const canRaiseAny = access.rights.has('plan') || access.rights.has('assess');
  const canEdit = (a: ImprovementActionRead) => a.status !== 'verified' && canOver(me?.grants, RAISE_RIGHTS, a.unit_path);
  // the API's rule: the action's owner, or plan over its unit
  const canWork = (a: ImprovementActionRead) => a.status === 'open' && ((userId !== undefined && a.owner_id === userId) || canOver(me?.grants, 'plan', a.unit_path));
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
          {canRaiseAny && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('kpi.newAction')}</Button>}
        </Space>
      </Space>
      <ErrorAlert error={list.error} />
      <Table<ImprovementActionRead> size="small" rowKey="id" loading={list.isPending} dataSource={list.data?.items ?? []} pagination={false} scroll={{ x: 1120 }}
        locale={{ emptyText: t('kpi.noActions') }}
        expandable={{ rowExpandable: (a) => a.evidence.length > 0, expandedRowRender: (a) => <EvidenceList evidence={a.evidence} /> }}
        columns={[
          { title: t('kpi.actionTitle'), dataIndex: 'title', render: (v: string, a) => <Space direction="vertical" size={0}><span>{v}</span><Typography.Text type="secondary" style={{ fontSize: 12 }}>{a.description}</Typography.Text></Space> },
          { title: t('kpi.indicator'), dataIndex: 'indicator_code', width: 140, render: (c: string | null) => (c ? <IndicatorName code={c} /> : '—') },
          { title: t('kpi.period'), dataIndex: 'period', width: 76, render: (p: string | null) => p ?? '—' },
          { title: t('kpi.owner'), dataIndex: 'owner_name', width: 84, render: (n: string) => n || '—' },
          { title: t('kpi.due'), dataIndex: 'due', width: 96, render: (d: string, a) => <span style={{ color: a.overdue ? '#cf1322' : undefined }}>{d}</span> },
          { title: t('kpi.actionStatus'), dataIndex: 'status', width: 104, render: (s: string, a) => <Space size={2}><Tag color={STATUS_COLOR[s] ?? 'default'}>{t(`kpi.actionStatuses.${s}`)}</Tag>{a.overdue && <Tag color="red">{t('kpi.overdue')}</Tag>}</Space> },
          { title: t('kpi.progress'), dataIndex: 'progress', width: 110, render: (p: number, a) => (
            <Progress percent={p} size="small" status={a.status === 'open' ? (a.overdue ? 'exception' : 'normal') : 'success'} aria-label={t('kpi.progressOf', { title: a.title, n: p })} data-testid="action-progress" />
          ) },
          { title: '', width: 240, fixed: 'right', render: (_, a) => (
            <Space size={4} wrap>
              {canEdit(a) && <Button size="small" onClick={() => setEditing(a)}>{t('kpi.edit')}</Button>}
              {canWork(a) && <Button size="small" onClick={() => { pForm.resetFields(); pForm.setFieldsValue({ progress: a.progress }); setReporting(a); }}>{t('kpi.reportProgress')}</Button>}
              {canWork(a) && <Button size="small" onClick={() => { cForm.resetFields(); setCompleting(a); }}>{t('kpi.complete')}</Button>}
              {canVerify(a) && <Button size="small" type="primary" onClick={() => { vForm.resetFields(); setVerifying(a); }}>{t('kpi.verify')}</Button>}
              <DiscussButton record={{ service: 'kpi', kind: 'action', id: a.id }} title={a.title} />
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
            await complete.mutateAsync({ action: completing, body: { evidence: [{ note: v.note, url: v.url || null }] } });
            feedback.ok(t('kpi.completed'));
            setCompleting(null);
          } catch (err) { feedback.fail(err, cForm); }
        }}>
          <Form.Item name="note" label={t('kpi.evidenceNote')} rules={[{ required: true, whitespace: true, message: t('kpi.evidenceRequired') }]}><Input.TextArea rows={3} /></Form.Item>
          <Form.Item name="url" label={t('kpi.evidenceUrl')} rules={[{ type: 'url', message: t('kpi.urlInvalid') }]}><Input placeholder="https://" /></Form.Item>
        </Form>
      </Modal>
      <Modal open={verifying !== null} title={t('kpi.verifyTitle', { title: verifying?.title ?? '' })} onCancel={() => setVerifying(null)} onOk={() => vForm.submit()} okButtonProps={{ loading: verify.isPending }} destroyOnHidden>
        {verifying && verifying.evidence.length > 0 && <div style={{ marginBottom: 12 }}><EvidenceList evidence={verifying.evidence} /></div>}
        <Form form={vForm} layout="vertical" initialValues={{ accepted: true }} onFinish={async (v) => {
          if (!verifying) return;
          try {
            await verify.mutateAsync({ action: verifying, body: { accepted: v.accepted, note: v.note ?? '' } });
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
      <Modal open={reporting !== null} title={t('kpi.progressTitle', { title: reporting?.title ?? '' })} onCancel={() => setReporting(null)} onOk={() => pForm.submit()}
        okText={t('kpi.reportProgress')} okButtonProps={{ loading: progress.isPending }} destroyOnHidden>
        <Form form={pForm} layout="vertical" onFinish={async (v) => {
          if (!reporting) return;
          try {
            await progress.mutateAsync({ action: reporting, body: { progress: v.progress, note: v.note.trim(), url: v.url || null } });
            feedback.ok(t('kpi.progressReported'));
            setReporting(null);
          } catch (err) { feedback.fail(err, pForm); }
        }}>
          <Form.Item label={t('kpi.progressDone')} required>
            <Row gutter={12} align="middle">
              <Col flex="auto">
                <Form.Item name="progress" noStyle rules={[{ required: true, message: t('kpi.required') }]}>
                  <Slider min={0} max={100} step={5} marks={{ 0: '0%', 50: '50%', 100: '100%' }} tooltip={{ formatter: (n) => `${n ?? 0}%` }} />
                </Form.Item>
              </Col>
              <Col flex="96px">
                <Form.Item name="progress" noStyle>
                  <InputNumber min={0} max={100} precision={0} suffix="%" style={{ width: 96 }} aria-label={t('kpi.progressDone')} />
                </Form.Item>
              </Col>
            </Row>
          </Form.Item>
          <Form.Item name="note" label={t('kpi.progressNote')} rules={[{ required: true, whitespace: true, message: t('kpi.progressNoteRequired') }, { max: 5000, message: t('kpi.tooLong', { n: 5000 }) }]}>
            <Input.TextArea rows={3} maxLength={5000} />
          </Form.Item>
          <Form.Item name="url" label={t('kpi.progressUrl')} rules={[{ type: 'url', message: t('kpi.urlInvalid') }, { max: 2000, message: t('kpi.tooLong', { n: 2000 }) }]}>
            <Input placeholder="https://" />
          </Form.Item>
        </Form>
      </Modal>
      <ActionFormModal open={creating || editing !== null} editing={editing} seed={NO_SEED} onClose={() => { setCreating(false); setEditing(null); }} />
    </div>
  );
}
