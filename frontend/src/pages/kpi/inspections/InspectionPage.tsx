/** One inspection: the inspector (the holder of its position) fills the checklist item by item — pass / fail /
 * n.a. or a score, a note, photos — saves, and submits; everyone who may see it reads the results, the score
 * and the findings with their rectification (整改). Laid out as one column of cards so it works on a phone. */
import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  Alert, Button, Card, Checkbox, Col, DatePicker, Descriptions, Form, Input, InputNumber, List, Modal, Progress, Radio, Row, Select,
  Space, Statistic, Switch, Tag, Typography, Upload,
} from 'antd';
import { CameraOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import {
  useCancelInspection, useInspection, useRecordFinding, useRecordResults, useSubmitInspection, useUploadEvidence,
  type FindingRead, type InspectionDetail, type InspectionItemRead,
} from '../../../api/inspections';
import { useApiFeedback } from '../../../app/feedback';
import { QueryState } from '../../../components/common';
import { useT } from '../../../i18n';
import { EvidenceFiles } from './EvidenceFiles';
import { answered, resultBody, STATUS_COLOR, summarise, verdict, type Answer } from './inspectionView';
import { DiscussButton } from '../../../collab/RecordCollab';

type Draft = Answer & { note: string };
const OPEN = ['scheduled', 'in_progress'];
const SEVERITY_COLOR: Record<string, string> = { minor: 'gold', major: 'orange', critical: 'red' };

function draftsOf(items: InspectionItemRead[]): Record<string, Draft> {
  return Object.fromEntries(items.map((i) => [i.key, { outcome: i.outcome, score: i.score, note: i.note }]));
}

function Verdict({ item }: { item: InspectionItemRead }) {
  const { t } = useT();
  if (!item.outcome) return <Tag>{t('inspections.notAnswered')}</Tag>;
  if (item.outcome === 'na') return <Tag>{t('inspections.outcomes.na')}</Tag>;
  const text = item.kind === 'score' ? t('inspections.scoreOf', { score: item.score, max: item.max_score }) : t(`inspections.outcomes.${item.outcome}`);
  return <Tag color={item.passed ? 'success' : 'error'}>{text}{item.kind === 'score' && ` · ${t(item.passed ? 'inspections.passed' : 'inspections.failed')}`}</Tag>;
}

function ItemCard({ n, item, draft, editable, onChange, inspection }: {
  n: number; item: InspectionItemRead; draft: Draft; editable: boolean; onChange: (d: Draft) => void; inspection: InspectionDetail;
}) {
  const { t } = useT();
  const upload = useUploadEvidence();
  const feedback = useApiFeedback();
  const v = verdict(item, draft);
  return (
    <Card size="small" data-testid={`item-${item.key}`} style={{ borderLeft: `4px solid ${v === false ? '#ff4d4f' : v ? '#52c41a' : '#d9d9d9'}` }}
      title={<Typography.Text strong style={{ whiteSpace: 'normal' }}>{n}. {item.text}</Typography.Text>}
      extra={<Space size={2} wrap><Tag>{t(`inspections.kinds.${item.kind}`)}</Tag><Tag>{t('inspections.weight')} {item.weight}</Tag></Space>}>
      <Space direction="vertical" style={{ width: '100%' }} size={8}>
        {item.criterion ? <Typography.Text type="secondary">{t('inspections.criterion')}：{item.criterion}</Typography.Text> : null}
        {editable ? (
          item.kind === 'score' ? (
            <Space wrap>
              <InputNumber min={0} max={item.max_score ?? undefined} value={draft.outcome === 'na' ? null : draft.score} disabled={draft.outcome === 'na'}
                aria-label={t('inspections.score')} addonAfter={`/ ${item.max_score}`} inputMode="decimal"
                onChange={(s) => onChange({ ...draft, outcome: null, score: s ?? null })} style={{ width: 150 }} />
              <Checkbox checked={draft.outcome === 'na'} onChange={(e) => onChange({ ...draft, outcome: e.target.checked ? 'na' : null, score: null })}>
                {t('inspections.outcomes.na')}
              </Checkbox>
              {v !== null && <Tag color={v ? 'success' : 'error'}>{t(v ? 'inspections.passed' : 'inspections.failed')}</Tag>}
            </Space>
          ) : (
            <Radio.Group optionType="button" buttonStyle="solid" value={draft.outcome ?? undefined} aria-label={t('inspections.status')}
              onChange={(e) => onChange({ ...draft, outcome: e.target.value as string })}
              options={['pass', 'fail', 'na'].map((o) => ({ value: o, label: t(`inspections.outcomes.${o}`) }))} />
          )
        ) : <Verdict item={item} />}
        {editable ? (
          <Input.TextArea rows={2} placeholder={t('inspections.notes')} aria-label={`${t('inspections.notes')} ${item.text}`} value={draft.note}
            onChange={(e) => onChange({ ...draft, note: e.target.value })} maxLength={2000} />
        ) : item.note ? <Typography.Paragraph style={{ margin: 0 }}>{item.note}</Typography.Paragraph> : null}
        {(editable || item.files.length > 0 || item.finding_id) && <Space wrap align="center">
          <EvidenceFiles files={item.files} />
          {editable && (
            <Upload accept="image/*,application/pdf" showUploadList={false} capture="environment"
              beforeUpload={(file) => {
                upload.mutate({ inspection, key: item.key, file }, {
                  onSuccess: () => feedback.ok(t('inspections.uploaded')),
                  onError: (err) => feedback.fail(err),
                });
                return false;
              }}>
              <Button icon={<CameraOutlined />} loading={upload.isPending}>{t('inspections.addPhoto')}</Button>
            </Upload>
          )}
          {item.finding_id && <Tag color="red">{t('inspections.findings')} #{item.finding_id}</Tag>}
        </Space>}
      </Space>
    </Card>
  );
}

function Findings({ inspection, canRecord }: { inspection: InspectionDetail; canRecord: boolean }) {
  const { t } = useT();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ title: string; description?: string; severity: string; due: Dayjs; source_ref?: string; raise: boolean; category?: string; likelihood?: number; impact?: number }>();
  const record = useRecordFinding();
  const feedback = useApiFeedback();
  const raise = Form.useWatch('raise', form);
  return (
    <Card size="small" title={t('inspections.findings')} data-testid="inspection-findings"
      extra={<Space>{canRecord && <Button size="small" onClick={() => { form.resetFields(); setOpen(true); }}>{t('inspections.recordFinding')}</Button>}<Link to="/kpi/actions">{t('inspections.goActions')}</Link></Space>}>
      <List<FindingRead> size="small" dataSource={inspection.findings ?? []} locale={{ emptyText: t('inspections.noFindings') }}
        renderItem={(f) => (
          <List.Item actions={[<DiscussButton key="discuss" record={{ service: 'kpi', kind: 'finding', id: f.id }} title={f.title} />]}>
            <List.Item.Meta title={<Space wrap><Tag color={SEVERITY_COLOR[f.severity]}>{t(`inspections.severities.${f.severity}`)}</Tag><span>{f.title}</span></Space>}
              description={<Space size={8} wrap>
                <span>{t('inspections.action')}：<Tag color={f.action_status === 'verified' ? 'success' : f.action_overdue ? 'red' : 'processing'}>{t(`inspections.actionStatuses.${f.action_status}`)}</Tag></span>
                <span>{t('inspections.owner')}：{f.owner_name || '—'}</span>
                <span>{t('inspections.findingDue')}：{f.action_due}</span>
                {f.status !== 'open' && <Tag color={f.status === 'closed' ? 'success' : 'default'}>{t(`inspections.findingStatuses.${f.status}`)}</Tag>}
              </Space>} />
          </List.Item>
        )} />
      <Modal open={open} title={t('inspections.recordFinding')} onCancel={() => setOpen(false)} onOk={() => form.submit()} okButtonProps={{ loading: record.isPending }} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ severity: 'minor', due: dayjs().add(14, 'day'), raise: false, likelihood: 3, impact: 3 }}
          onFinish={async (v) => {
            try {
              await record.mutateAsync({ inspectionId: inspection.id, body: {
                title: v.title, description: v.description ?? '', severity: v.severity as 'minor', due: v.due.format('YYYY-MM-DD'),
                source_ref: v.source_ref ?? null, owner_name: '',
                risk: v.raise ? { category: v.category as 'safety', likelihood: v.likelihood ?? 3, impact: v.impact ?? 3 } : null,
              } });
              feedback.ok(t('inspections.findingRecorded'));
              setOpen(false);
            } catch (err) { feedback.fail(err, form); }
          }}>
          <Form.Item name="title" label={t('inspections.findingTitle')} rules={[{ required: true, whitespace: true, message: t('inspections.required') }]}><Input maxLength={200} /></Form.Item>
          <Form.Item name="description" label={t('inspections.findingDescription')}><Input.TextArea rows={2} /></Form.Item>
          <Space wrap>
            <Form.Item name="severity" label={t('inspections.severity')}>
              <Select style={{ width: 110 }} options={['minor', 'major', 'critical'].map((s) => ({ value: s, label: t(`inspections.severities.${s}`) }))} />
            </Form.Item>
            <Form.Item name="due" label={t('inspections.findingDue')} rules={[{ required: true, message: t('inspections.required') }]}><DatePicker /></Form.Item>
          </Space>
          <Form.Item name="source_ref" label={t('inspections.findingItem')}>
            <Select allowClear options={inspection.items.filter((i) => !i.finding_id).map((i) => ({ value: i.key, label: i.text }))} />
          </Form.Item>
          <Form.Item name="raise" label={t('inspections.raiseRisk')} valuePropName="checked"><Switch /></Form.Item>
          {raise && (
            <Space wrap>
              <Form.Item name="category" label={t('inspections.riskCategory')} rules={[{ required: true, message: t('inspections.required') }]}>
                <Select style={{ width: 140 }} options={['safety', 'equipment', 'supply_chain', 'compliance', 'personnel', 'other'].map((c) => ({ value: c, label: t(`risk.categories.${c}`) }))} />
              </Form.Item>
              <Form.Item name="likelihood" label={t('inspections.likelihood')}><InputNumber min={1} max={5} /></Form.Item>
              <Form.Item name="impact" label={t('inspections.impact')}><InputNumber min={1} max={5} /></Form.Item>
            </Space>
          )}
        </Form>
      </Modal>
    </Card>
  );
}

export default function InspectionPage() {
  const { t } = useT();
  const id = Number(useParams().id);
  const q = useInspection(id);
  const data = q.data;
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [dirty, setDirty] = useState<Set<string>>(new Set());
  const save = useRecordResults();
  const submit = useSubmitInspection();
  const cancel = useCancelInspection();
  const feedback = useApiFeedback();
  const [submitting, setSubmitting] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [sForm] = Form.useForm<{ finding_due?: Dayjs }>();
  const [cForm] = Form.useForm<{ reason: string }>();

  // the server's answers replace what was saved; unsaved changes stay
  useEffect(() => {
    if (!data) return;
    setDrafts((old) => ({ ...draftsOf(data.items), ...Object.fromEntries([...dirty].filter((k) => old[k]).map((k) => [k, old[k]])) }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data]);

  const editable = !!data && data.is_inspector && OPEN.includes(data.status);
  const summary = useMemo(() => summarise(data?.items ?? [], drafts), [data, drafts]);

  async function saveDrafts(): Promise<InspectionDetail | undefined> {
    if (!data) return undefined;
    const results = data.items.filter((i) => dirty.has(i.key) && answered(i, drafts[i.key]))
      .map((i) => resultBody(i, drafts[i.key], drafts[i.key].note ?? ''));
    if (results.length === 0) return data;
    const out = await save.mutateAsync({ inspection: data, results });
    setDirty(new Set());
    return out;
  }

  return (
    <QueryState loading={q.isPending} error={q.error}>
      {data && (
        <Space direction="vertical" style={{ width: '100%', paddingBottom: editable ? 72 : 0 }} size={12}>
          <Link to="/kpi/inspections">← {t('inspections.back')}</Link>
          <Card size="small">
            <Row gutter={[12, 12]} align="middle">
              <Col xs={24} md={16}>
                <Space direction="vertical" size={4}>
                  <Space wrap>
                    <Typography.Title level={4} style={{ margin: 0 }}>{data.template_name}</Typography.Title>
                    <Tag color={STATUS_COLOR[data.status]} data-testid="inspection-status">{t(`inspections.statuses.${data.status}`)}</Tag>
                    {data.overdue && <Tag color="red">{t('inspections.overdue')}</Tag>}
                  </Space>
                  <Descriptions size="small" column={{ xs: 1, sm: 2 }} items={[
                    { key: 'unit', label: t('inspections.unit'), children: data.unit_name },
                    { key: 'inspector', label: t('inspections.inspector'), children: data.inspector_title },
                    { key: 'due', label: t('inspections.due'), children: data.due },
                    { key: 'freq', label: t('inspections.frequency'), children: `${t(`inspections.frequencies.${data.frequency}`)} · ${t('inspections.revision', { n: data.template_revision })}` },
                    ...(data.note ? [{ key: 'note', label: t('inspections.note'), children: data.note }] : []),
                    ...(data.cancel_reason ? [{ key: 'reason', label: t('inspections.cancelReason'), children: data.cancel_reason }] : []),
                  ]} />
                </Space>
              </Col>
              <Col xs={24} md={8}>
                <Space size={24}>
                  <Statistic title={t('inspections.score')} value={(editable ? summary.score : data.score) ?? '—'} data-testid="inspection-score" />
                  <Progress type="circle" size={64} percent={Math.round((100 * summary.answered) / Math.max(summary.total, 1))}
                    format={() => `${summary.answered}/${summary.total}`} />
                </Space>
              </Col>
            </Row>
          </Card>
          {!editable && OPEN.includes(data.status) && <Alert type="info" showIcon message={t('inspections.readOnly', { title: data.inspector_title })} />}
          {data.items.map((item, n) => (
            <ItemCard key={item.key} n={n + 1} item={item} inspection={data} editable={editable}
              draft={drafts[item.key] ?? { outcome: null, score: null, note: '' }}
              onChange={(d) => { setDrafts((old) => ({ ...old, [item.key]: d })); setDirty((old) => new Set(old).add(item.key)); }} />
          ))}
          <Findings inspection={data} canRecord={data.is_inspector && data.status !== 'cancelled'} />
          {data.can_manage && OPEN.includes(data.status) && (
            <Button danger onClick={() => { cForm.resetFields(); setCancelling(true); }}>{t('inspections.cancel')}</Button>
          )}
          {editable && (
            <div style={{ position: 'sticky', bottom: 0, zIndex: 10, background: 'rgba(255,255,255,0.96)', padding: '10px 0', borderTop: '1px solid #f0f0f0' }}>
              <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
                <Typography.Text type="secondary">
                  {dirty.size > 0 ? t('inspections.unsaved', { n: dirty.size }) : t('inspections.progress', { done: summary.answered, total: summary.total })}
                </Typography.Text>
                <Space>
                  <Button disabled={dirty.size === 0} loading={save.isPending} onClick={async () => {
                    try { await saveDrafts(); feedback.ok(t('inspections.saved')); } catch (err) { feedback.fail(err); }
                  }}>{t('inspections.save')}</Button>
                  <Button type="primary" onClick={() => { sForm.resetFields(); setSubmitting(true); }}>{t('inspections.submit')}</Button>
                </Space>
              </Space>
            </div>
          )}
          <Modal open={submitting} title={t('inspections.submitTitle')} onCancel={() => setSubmitting(false)} onOk={() => sForm.submit()}
            okText={t('inspections.submit')} okButtonProps={{ loading: submit.isPending || save.isPending, disabled: summary.answered < summary.total }} destroyOnHidden>
            <Space direction="vertical" style={{ width: '100%' }}>
              {summary.answered < summary.total
                ? <Alert type="warning" showIcon message={t('inspections.missing', { n: summary.total - summary.answered })} />
                : <Alert type={summary.failed ? 'warning' : 'success'} showIcon message={`${t('inspections.score')} ${summary.score ?? '—'} · ${t('inspections.failedItems', { n: summary.failed })}`} description={t('inspections.submitHint')} />}
              <Form form={sForm} layout="vertical" onFinish={async (v) => {
                try {
                  const saved = await saveDrafts();
                  if (!saved) return;
                  await submit.mutateAsync({ inspection: saved, finding_due: v.finding_due?.format('YYYY-MM-DD') });
                  feedback.ok(t('inspections.submitted'));
                  setSubmitting(false);
                } catch (err) { feedback.fail(err, sForm); }
              }}>
                <Form.Item name="finding_due" label={t('inspections.findingDue')} extra={t('inspections.findingDueHint')}>
                  <DatePicker disabledDate={(d) => d.isBefore(dayjs(), 'day')} />
                </Form.Item>
              </Form>
            </Space>
          </Modal>
          <Modal open={cancelling} title={t('inspections.cancel')} onCancel={() => setCancelling(false)} onOk={() => cForm.submit()} okButtonProps={{ danger: true, loading: cancel.isPending }} destroyOnHidden>
            <Form form={cForm} layout="vertical" onFinish={async (v) => {
              try {
                await cancel.mutateAsync({ inspection: data, reason: v.reason });
                feedback.ok(t('inspections.cancelled'));
                setCancelling(false);
              } catch (err) { feedback.fail(err, cForm); }
            }}>
              <Form.Item name="reason" label={t('inspections.cancelReason')} rules={[{ required: true, whitespace: true, message: t('inspections.required') }]}><Input.TextArea rows={2} /></Form.Item>
            </Form>
          </Modal>
        </Space>
      )}
    </QueryState>
  );
}
