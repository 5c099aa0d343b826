/** One special audit: its stage timeline (Steps), the notice, the team, the findings with their severity
 * and 整改 status, the working papers, the draft and final reports, the audited unit's response form,
 * and the one step the signed-in user may take now (auditView.allowedSteps: the API's own rules). */
import { useMemo, useState } from 'react';
import { Button, Card, Col, DatePicker, Descriptions, Empty, Form, Input, List, Modal, Radio, Result, Row, Select, Space, Steps, Table, Tag, Typography, Upload } from 'antd';
import { FileOutlined, UploadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useParams } from 'react-router-dom';
import {
  useAudit, useFinalise, useIssueDraft, useIssueNotice, useRecordAuditFinding, useRespond, useStartFieldwork, useUploadPaper,
  type AuditDetail,
} from '../../../api/audits';
import { downloadWithToken } from '../../../api/download';
import { useUsers } from '../../../api/org';
import { useApiFeedback } from '../../../app/feedback';
import { useSession } from '../../../app/session';
import { QueryState } from '../../../components/common';
import { useT } from '../../../i18n';
import { allowedSteps, disputedIds, responsesById, SEVERITY_COLOR, STAGES, stageIndex, STATUS_COLOR, timelineStatus } from './auditView';
import { DiscussButton } from '../../../collab/RecordCollab';

type Finding = AuditDetail['findings'][number];
type Paper = AuditDetail['files'][number];
type Line = { finding_id: number; verdict: string; reason?: string };
type Resolution = { finding_id: number; decision: string; reasoning: string };

const ACTION_COLOR: Record<string, string> = { open: 'processing', done: 'gold', verified: 'success', cancelled: 'default' };

export default function AuditDetailPage() {
  const { id } = useParams();
  const auditId = Number(id);
  const audit = useAudit(Number.isFinite(auditId) ? auditId : undefined);
  const { t } = useT();
  if (!Number.isFinite(auditId)) return <Result status="404" title="404" subTitle={t('common.notFound')} />;
  return (
    <QueryState loading={audit.isPending} error={audit.error}>
      {audit.data && <AuditView audit={audit.data} />}
    </QueryState>
  );
}

function AuditView({ audit }: { audit: AuditDetail }) {
  const { t } = useT();
  const { me } = useSession();
  const feedback = useApiFeedback();
  const steps = allowedSteps(audit, me?.user.id, me?.grants);
  const findings = audit.findings;
  const papers: Paper[] = audit.files;
  const responses = responsesById(audit.responses as unknown as Line[]);
  const resolutions = responsesById(audit.resolutions as unknown as Resolution[]);
  const unitName = useMemo(() => new Map(audit.units.map((u) => [u.unit_id, u.unit_name])), [audit.units]);
  const fieldwork = useStartFieldwork();
  const upload = useUploadPaper();
  const [dialog, setDialog] = useState<'notice' | 'finding' | 'draft' | 'final' | null>(null);
  const dates = [audit.created_at, audit.noticed_at, audit.fieldwork_at, audit.draft_at, audit.responded_at, audit.finalised_at];
  const at = (v: string | null | undefined) => (v ? v.slice(0, 10) : undefined);

  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>{audit.title}</Typography.Title>
          <Tag color={STATUS_COLOR[audit.status] ?? 'default'}>{t(`audits.stages.${audit.status}`)}</Tag>
          {audit.response_overdue && <Tag color="red">{t('audits.responseOverdue')}</Tag>}
        </Space>
        <Space wrap>
          {steps.notice && <Button type="primary" onClick={() => setDialog('notice')}>{t('audits.issueNotice')}</Button>}
          {steps.fieldwork && <Button type="primary" loading={fieldwork.isPending} onClick={async () => {
            try { await fieldwork.mutateAsync({ audit }); feedback.ok(t('audits.fieldworkStarted')); } catch (err) { feedback.fail(err); }
          }}>{t('audits.startFieldwork')}</Button>}
          {steps.finding && <Button onClick={() => setDialog('finding')}>{t('audits.recordFinding')}</Button>}
          {steps.draft && <Button type="primary" onClick={() => setDialog('draft')}>{t('audits.issueDraft')}</Button>}
          {steps.finalise && <Button type="primary" onClick={() => setDialog('final')}>{t('audits.finalise')}</Button>}
        </Space>
      </Space>

      <Card size="small" style={{ marginBottom: 12 }}>
        <Steps size="small" current={stageIndex(audit.status)} status={timelineStatus(audit.status)} responsive
          items={STAGES.map((s, i) => ({ title: t(`audits.stages.${s}`), description: i <= stageIndex(audit.status) ? at(dates[i]) : undefined }))} />
      </Card>

      <Row gutter={12}>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('audits.basics')} style={{ marginBottom: 12 }}>
            <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
              <Descriptions.Item label={t('audits.topic')} span={2}>{audit.topic || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('audits.units')} span={2}>
                {audit.units.map((u, i) => <Tag key={u.unit_id}>{u.unit_name}{i === 0 ? ` · ${t('audits.responds')}` : ''}</Tag>)}
              </Descriptions.Item>
              <Descriptions.Item label={t('audits.period')}>{audit.period_start} ~ {audit.period_end}</Descriptions.Item>
              <Descriptions.Item label={t('audits.planned')}>{audit.planned_start} ~ {audit.planned_end}</Descriptions.Item>
              <Descriptions.Item label={t('audits.leader')}>{audit.leader.name}</Descriptions.Item>
              <Descriptions.Item label={t('audits.members')}>{audit.members.map((m) => m.name).join('、') || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('audits.responseDue')}>{audit.response_due ?? '—'}</Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('audits.notice')} style={{ marginBottom: 12 }}>
            {audit.notice_text
              ? <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{audit.notice_text}</Typography.Paragraph>
              : <Typography.Text type="secondary">{t('audits.noNotice')}</Typography.Text>}
          </Card>
        </Col>
      </Row>

      <Card size="small" title={t('audits.findings')} style={{ marginBottom: 12 }}>
        <Table<Finding> size="small" rowKey="id" dataSource={findings} pagination={false} scroll={{ x: 900 }} locale={{ emptyText: t('audits.noFindings') }}
          expandable={{ rowExpandable: (f) => !!f.description, expandedRowRender: (f) => <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{f.description}</Typography.Paragraph> }}
          columns={[
            { title: t('audits.findingTitle'), dataIndex: 'title' },
            { title: t('audits.unit'), dataIndex: 'unit_id', width: 120, render: (u: number, f) => f.unit_name || unitName.get(u) || u },
            { title: t('audits.severity'), dataIndex: 'severity', width: 80, render: (s: string) => <Tag color={SEVERITY_COLOR[s]}>{t(`audits.severities.${s}`)}</Tag> },
            { title: t('audits.owner'), dataIndex: 'owner_name', width: 100, render: (n: string) => n || '—' },
            { title: t('audits.rectification'), width: 170, render: (_: unknown, f) => (
              <Space size={2} wrap>
                {f.status === 'withdrawn' ? <Tag>{t('audits.withdrawn')}</Tag>
                  : <Tag color={ACTION_COLOR[f.action_status] ?? 'default'}>{t(`audits.actionStatuses.${f.action_status}`)}</Tag>}
                {f.action_overdue && f.status !== 'withdrawn' && <Tag color="red">{t('audits.overdue')}</Tag>}
                {f.action_due && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{f.action_due}</Typography.Text>}
              </Space>
            ) },
            { title: t('audits.response'), width: 200, render: (_: unknown, f) => {
              const r = responses.get(f.id);
              const k = resolutions.get(f.id);
              if (!r) return '—';
              return (
                <Space direction="vertical" size={0}>
                  <Tag color={r.verdict === 'dispute' ? 'orange' : 'green'}>{t(`audits.verdicts.${r.verdict}`)}</Tag>
                  {r.reason && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.reason}</Typography.Text>}
                  {k && <Typography.Text style={{ fontSize: 12 }}>{t(`audits.decisions.${k.decision}`)}{t('common.colon')}{k.reasoning}</Typography.Text>}
                </Space>
              );
            } },
            { title: '', key: 'discuss', width: 90, render: (_: unknown, f) => <DiscussButton record={{ service: 'kpi', kind: 'finding', id: f.id }} title={f.title} /> },
          ]} />
      </Card>

      {steps.respond && <ResponseCard audit={audit} findings={findings} />}

      <Row gutter={12}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('audits.draftReport')} style={{ marginBottom: 12 }}>
            {audit.draft_report
              ? <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{audit.draft_report}</Typography.Paragraph>
              : <Typography.Text type="secondary">{t('audits.noReport')}</Typography.Text>}
            {audit.response_note && <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>{t('audits.responseNote')}{t('common.colon')}{audit.response_note}</Typography.Paragraph>}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('audits.finalReport')} style={{ marginBottom: 12 }}>
            {audit.final_report
              ? <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{audit.final_report}</Typography.Paragraph>
              : <Typography.Text type="secondary">{t('audits.noReport')}</Typography.Text>}
          </Card>
        </Col>
      </Row>

      <Card size="small" title={t('audits.papers')} style={{ marginBottom: 12 }}
        extra={steps.upload && (
          <Upload showUploadList={false} customRequest={async ({ file, onSuccess, onError }) => {
            try { await upload.mutateAsync({ auditId: audit.id, file: file as File }); feedback.ok(t('audits.uploaded')); onSuccess?.({}); }
            catch (err) { feedback.fail(err); onError?.(err as Error); }
          }}>
            <Button size="small" icon={<UploadOutlined />} loading={upload.isPending}>{t('audits.upload')}</Button>
          </Upload>
        )}>
        {papers.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('audits.noPapers')} /> : (
          <List size="small" dataSource={papers} renderItem={(p) => (
            <List.Item>
              <Button type="link" icon={<FileOutlined />} onClick={async () => { const err = await downloadWithToken(p.url, p.name); if (err) feedback.fail(err); }}>{p.name}</Button>
              <Typography.Text type="secondary">{Math.ceil(p.size / 1024)} KB</Typography.Text>
            </List.Item>
          )} />
        )}
      </Card>

      <NoticeModal audit={audit} open={dialog === 'notice'} onClose={() => setDialog(null)} />
      <FindingModal audit={audit} open={dialog === 'finding'} onClose={() => setDialog(null)} />
      <DraftModal audit={audit} open={dialog === 'draft'} onClose={() => setDialog(null)} />
      <FinalModal audit={audit} findings={findings} open={dialog === 'final'} onClose={() => setDialog(null)} />
    </div>
  );
}

type DialogProps = { audit: AuditDetail; open: boolean; onClose: () => void };

function NoticeModal({ audit, open, onClose }: DialogProps) {
  const { t } = useT();
  const [form] = Form.useForm<{ notice_text: string; response_due: Dayjs }>();
  const notice = useIssueNotice();
  const feedback = useApiFeedback();
  return (
    <Modal open={open} title={t('audits.issueNotice')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: notice.isPending }} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={async (v) => {
        try {
          await notice.mutateAsync({ audit, body: { notice_text: v.notice_text.trim(), response_due: v.response_due.format('YYYY-MM-DD') } });
          feedback.ok(t('audits.noticeIssued'));
          onClose();
        } catch (err) { feedback.fail(err, form); }
      }}>
        <Form.Item name="notice_text" label={t('audits.noticeText')} rules={[{ required: true, whitespace: true, message: t('audits.required') }]}>
          <Input.TextArea rows={6} maxLength={20000} />
        </Form.Item>
        <Form.Item name="response_due" label={t('audits.responseDue')} extra={t('audits.responseDueHint')} rules={[{ required: true, message: t('audits.required') }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function FindingModal({ audit, open, onClose }: DialogProps) {
  const { t } = useT();
  const [form] = Form.useForm<{ title: string; description?: string; severity: string; unit_id: number; owner_id?: number; due: Dayjs }>();
  const record = useRecordAuditFinding();
  const users = useUsers();
  const feedback = useApiFeedback();
  const people = (users.data?.items ?? []).map((u) => ({ value: u.id, label: u.display_name }));
  return (
    <Modal open={open} title={t('audits.recordFinding')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: record.isPending }} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ severity: 'major', unit_id: audit.unit_id }} onFinish={async (v) => {
        try {
          await record.mutateAsync({ auditId: audit.id, body: {
            title: v.title.trim(), description: v.description?.trim() ?? '', severity: v.severity as 'minor' | 'major' | 'critical',
            unit_id: v.unit_id, owner_id: v.owner_id ?? null, owner_name: v.owner_id ? people.find((p) => p.value === v.owner_id)?.label ?? null : null,
            due: v.due.format('YYYY-MM-DD'),
          } });
          feedback.ok(t('audits.findingRecorded'));
          onClose();
        } catch (err) { feedback.fail(err, form); }
      }}>
        <Form.Item name="title" label={t('audits.findingTitle')} rules={[{ required: true, whitespace: true, message: t('audits.required') }]}><Input maxLength={200} /></Form.Item>
        <Form.Item name="description" label={t('audits.findingDescription')}><Input.TextArea rows={3} maxLength={5000} /></Form.Item>
        <Form.Item name="severity" label={t('audits.severity')}>
          <Radio.Group options={['minor', 'major', 'critical'].map((s) => ({ value: s, label: t(`audits.severities.${s}`) }))} />
        </Form.Item>
        <Form.Item name="unit_id" label={t('audits.unit')}>
          <Select options={audit.units.map((u) => ({ value: u.unit_id, label: u.unit_name }))} aria-label={t('audits.unit')} />
        </Form.Item>
        <Form.Item name="owner_id" label={t('audits.owner')} extra={t('audits.ownerHint')}>
          <Select allowClear showSearch optionFilterProp="label" options={people} aria-label={t('audits.owner')} />
        </Form.Item>
        <Form.Item name="due" label={t('audits.due')} rules={[{ required: true, message: t('audits.required') }]}><DatePicker style={{ width: '100%' }} /></Form.Item>
      </Form>
    </Modal>
  );
}

function DraftModal({ audit, open, onClose }: DialogProps) {
  const { t } = useT();
  const [form] = Form.useForm<{ report: string }>();
  const draft = useIssueDraft();
  const feedback = useApiFeedback();
  return (
    <Modal open={open} title={t('audits.issueDraft')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: draft.isPending }} destroyOnHidden width={640}>
      <Form form={form} layout="vertical" onFinish={async (v) => {
        try { await draft.mutateAsync({ audit, body: { report: v.report.trim() } }); feedback.ok(t('audits.draftIssued')); onClose(); } catch (err) { feedback.fail(err, form); }
      }}>
        <Form.Item name="report" label={t('audits.draftReport')} rules={[{ required: true, whitespace: true, message: t('audits.required') }]}>
          <Input.TextArea rows={10} maxLength={50000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 被审计单位意见: accept or dispute (with a reason) each finding, and a note. */
function ResponseCard({ audit, findings }: { audit: AuditDetail; findings: Finding[] }) {
  const { t } = useT();
  const [form] = Form.useForm<{ lines: Record<string, { verdict?: 'accept' | 'dispute'; reason?: string }>; note?: string }>();
  const respond = useRespond();
  const feedback = useApiFeedback();
  return (
    <Card size="small" title={t('audits.responseForm')} style={{ marginBottom: 12, borderColor: '#faad14' }}>
      <Typography.Paragraph type="secondary">{t('audits.responseIntro', { due: audit.response_due ?? '—' })}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={async (v) => {
        try {
          await respond.mutateAsync({ audit, body: {
            responses: findings.map((f) => ({ finding_id: f.id, verdict: v.lines?.[String(f.id)]?.verdict ?? 'accept', reason: v.lines?.[String(f.id)]?.reason?.trim() ?? '' })),
            note: v.note?.trim() ?? '',
          } });
          feedback.ok(t('audits.responded'));
        } catch (err) { feedback.fail(err, form); }
      }}>
        {findings.map((f) => (
          <div key={f.id} style={{ borderBottom: '1px solid #f0f0f0', marginBottom: 8 }}>
            <Space wrap><Tag color={SEVERITY_COLOR[f.severity]}>{t(`audits.severities.${f.severity}`)}</Tag><Typography.Text strong>{f.title}</Typography.Text></Space>
            <Form.Item name={['lines', String(f.id), 'verdict']} initialValue="accept" style={{ margin: '6px 0' }}>
              <Radio.Group options={[{ value: 'accept', label: t('audits.verdicts.accept') }, { value: 'dispute', label: t('audits.verdicts.dispute') }]} />
            </Form.Item>
            <Form.Item noStyle shouldUpdate>
              {() => form.getFieldValue(['lines', String(f.id), 'verdict']) === 'dispute' && (
                <Form.Item name={['lines', String(f.id), 'reason']} label={t('audits.disputeReason')}
                  rules={[{ required: true, whitespace: true, message: t('audits.reasonRequired') }]}>
                  <Input.TextArea rows={2} maxLength={5000} />
                </Form.Item>
              )}
            </Form.Item>
          </div>
        ))}
        <Form.Item name="note" label={t('audits.responseNote')}><Input.TextArea rows={2} maxLength={10000} /></Form.Item>
        <Button type="primary" htmlType="submit" loading={respond.isPending}>{t('audits.submitResponse')}</Button>
      </Form>
    </Card>
  );
}

/** 终稿: the report, and for each disputed finding the leader's keep or withdraw with reasoning. */
function FinalModal({ audit, findings, open, onClose }: DialogProps & { findings: Finding[] }) {
  const { t } = useT();
  const [form] = Form.useForm<{ report: string; lines: Record<string, { decision: 'keep' | 'withdraw'; reasoning: string }> }>();
  const finalise = useFinalise();
  const feedback = useApiFeedback();
  const disputed = disputedIds(audit.responses as unknown as Line[]);
  const byId = new Map(findings.map((f) => [f.id, f]));
  return (
    <Modal open={open} title={t('audits.finalise')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: finalise.isPending }} destroyOnHidden width={640}>
      <Form form={form} layout="vertical" initialValues={{ report: audit.draft_report }} onFinish={async (v) => {
        try {
          await finalise.mutateAsync({ audit, body: {
            report: v.report.trim(),
            resolutions: disputed.map((fid) => ({ finding_id: fid, decision: v.lines[String(fid)].decision, reasoning: v.lines[String(fid)].reasoning.trim() })),
          } });
          feedback.ok(t('audits.finalised'));
          onClose();
        } catch (err) { feedback.fail(err, form); }
      }}>
        <Form.Item name="report" label={t('audits.finalReport')} rules={[{ required: true, whitespace: true, message: t('audits.required') }]}>
          <Input.TextArea rows={8} maxLength={50000} />
        </Form.Item>
        {disputed.map((fid) => (
          <Card key={fid} size="small" style={{ marginBottom: 8 }} title={byId.get(fid)?.title ?? `#${fid}`}>
            <Form.Item name={['lines', String(fid), 'decision']} initialValue="keep" label={t('audits.decision')}>
              <Radio.Group options={[{ value: 'keep', label: t('audits.decisions.keep') }, { value: 'withdraw', label: t('audits.decisions.withdraw') }]} />
            </Form.Item>
            <Form.Item name={['lines', String(fid), 'reasoning']} label={t('audits.reasoning')} rules={[{ required: true, whitespace: true, message: t('audits.reasonRequired') }]}>
              <Input.TextArea rows={2} maxLength={5000} />
            </Form.Item>
          </Card>
        ))}
      </Form>
    </Modal>
  );
}
