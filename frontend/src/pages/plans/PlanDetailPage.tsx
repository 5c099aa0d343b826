import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import {
  Alert, Button, Card, Col, Descriptions, Empty, Form, Input, List, Modal, Row, Select, Space, Steps, Table, Tabs,
  Tag, Timeline, Typography,
} from 'antd';
import { EditOutlined, FormOutlined } from '@ant-design/icons';
import { useAnswerSuggestion, exportPlanUrl, useGuidanceNotes, usePlan, usePlanHistory, useReports, useSuggestions } from '../../api/planning';
import type { ActionRead, PlanRead, StageRead, SuggestionRead } from '../../api/types';
import { ErrorAlert, QueryState, StatusTag, useUnitNames } from '../../components/common';
import { EChart } from '../../components/EChart';
import { IndicatorName, useIndicatorLabel } from '../../components/Indicator';
import { diffFieldLabel } from './diffField';
import { taskProgressOption } from '../../charts/consolidation';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { useT } from '../../i18n';
import { ActionBar } from './ActionBar';
import { StageControls, SubmitterCopies } from './ApprovalControls';
import { UrgeButton } from './UrgeButton';
import { ExportButton } from './ExportButton';
import { PrintButton } from '../../components/PrintButton';
import { LinkedRisksCard } from './LinkedRisks';
import { TaskTable } from './TaskTable';
import { describeRequirement } from './planActions';
import { useUsers } from '../../api/org';
import { moneyText } from './money';
import { AdjustmentsTable, InForceCard, RejectedRevisionsCard } from './PlanVersions';
import { RecordCollab } from '../../collab/RecordCollab';
import type { ResourceRead } from '../../api/types';

const money = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString('zh-CN', { maximumFractionDigits: 2 }));

function stepStatus(s: StageRead): 'finish' | 'process' | 'wait' {
  return s.state === 'done' ? 'finish' : s.state === 'current' ? 'process' : 'wait';
}

function Approval({ plan, actions }: { plan: PlanRead; actions: ActionRead[] }) {
  const { t } = useT();
  const stages = plan.stages ?? [];
  const units = useUnitNames();
  const users = useUsers();
  const byPath = new Map([...units.values()].map((u) => [u.path, u.name]));
  const userName = (id: string) => users.data?.items.find((u) => String(u.id) === id)?.display_name ?? id;
  const words = {
    right: (r: string) => t(`org.right.${r}`),
    unit: (path: string) => byPath.get(path) ?? path,
    over: (v: { right: string; unit: string }) => t('plans.requirementOver', v),
    heldIn: (v: { unit: string }) => t('plans.requirementHeldIn', v),
  };
  return (
    <Row gutter={12}>
      <Col xs={24} lg={10}>
        <Card size="small" title={t('plans.stages')}>
          {stages.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('plans.noStages')} /> : (
            <Steps direction="vertical" size="small" items={stages.map((s) => ({
              status: stepStatus(s),
              title: <Space>{s.name}<Tag>{t(`plans.stageState.${s.state}`)}</Tag></Space>,
              description: (
                <div style={{ fontSize: 12 }}>
                  <div>{t('plans.requirement')}: {describeRequirement(s.requirement, words)}</div>
                  <div>{t('plans.signers')}: {t(`plans.signerMode.${s.signers}`)}</div>
                  {(s.signed_by ?? []).length > 0 && <div>{t('plans.signedBy')}: {(s.signed_by ?? []).map((id, i) => s.signed_by_names?.[i] || userName(id)).join('、')}</div>}
                  {(s.pending_signers ?? []).length > 0 && <div>{t('plans.pendingSigners')}: {(s.pending_signers ?? []).map((id, i) => s.pending_names?.[i] || userName(id)).join('、')}</div>}
                  <StageControls stage={s} copied={plan.cc} />
                </div>
              ),
            }))} />
          )}
          <SubmitterCopies copied={plan.cc} />
        </Card>
      </Col>
      <Col xs={24} lg={14}>
        <Card size="small" title={t('plans.timeline')}>
          {actions.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> : (
            <Timeline items={actions.map((a) => ({
              color: a.action === 'veto' ? 'red' : a.action === 'return' ? 'orange' : ['approve', 'issue', 'publish'].includes(a.action) ? 'green' : 'blue',
              children: (
                <div data-testid="history-action">
                  <Space wrap size={4}>
                    <strong>{t(`plans.action.${a.action}`)}</strong>
                    <span>{a.actor_name || a.actor}</span>
                    <StatusTag status={a.to_status} />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>{a.at.slice(0, 16).replace('T', ' ')} · {t('plans.revisionN', { n: a.revision })}</Typography.Text>
                  </Space>
                  {a.comment && <div style={{ whiteSpace: 'pre-wrap' }}>{a.comment}</div>}
                  {a.grant && <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>{t('plans.grant')}: {t(`org.right.${String((a.grant as Record<string, unknown>).right ?? '')}`)} · {byPath.get(String((a.grant as Record<string, unknown>).unit_path ?? '')) ?? String((a.grant as Record<string, unknown>).unit_path ?? '')}</Typography.Text>}
                </div>
              ),
            }))} />
          )}
        </Card>
      </Col>
    </Row>
  );
}

function Suggestions({ plan, items }: { plan: PlanRead; items: SuggestionRead[] }) {
  const { t } = useT();
  const answer = useAnswerSuggestion(plan.id);
  const feedback = useApiFeedback();
  const { access } = useSession();
  const [target, setTarget] = useState<{ s: SuggestionRead; accepted: boolean } | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <Card size="small" title={t('plans.suggestions')}>
      <List size="small" dataSource={items} locale={{ emptyText: t('plans.noSuggestions') }} renderItem={(s) => (
        <List.Item actions={s.status === 'open' && access.rights.has('plan') ? [
          <Button key="a" size="small" onClick={() => setTarget({ s, accepted: true })}>{t('plans.accept')}</Button>,
          <Button key="d" size="small" onClick={() => setTarget({ s, accepted: false })}>{t('plans.decline')}</Button>,
        ] : []}>
          <List.Item.Meta
            title={<Space><span>{s.author_name}</span><StatusTag status={s.status} ns="plans.suggestionStatus" /></Space>}
            description={<>
              <div style={{ whiteSpace: 'pre-wrap' }}>{s.text}</div>
              {s.response && <div>{t('plans.response')}: {s.response}</div>}
            </>}
          />
        </List.Item>
      )} />
      <Modal open={!!target} title={target?.accepted ? t('plans.accept') : t('plans.decline')} onCancel={() => setTarget(null)}
        onOk={() => form.submit()} okButtonProps={{ loading: answer.isPending }} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={async (v) => {
          if (!target) return;
          try {
            await answer.mutateAsync({ suggestionId: target.s.id, accepted: target.accepted, reason: v.reason });
            setTarget(null);
          } catch (err) { feedback.fail(err, form); }
        }}>
          <Form.Item name="reason" label={t('plans.reason')} rules={[{ required: true, whitespace: true, message: t('plans.reasonRequired') }]}>
            <Input.TextArea rows={3} autoFocus />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function Revisions({ plan }: { plan: PlanRead }) {
  const { t } = useT();
  const [range, setRange] = useState<{ from?: number; to?: number }>({});
  const history = usePlanHistory(plan.id, range);
  const indicatorLabel = useIndicatorLabel();
  const versions = history.data?.versions ?? [];
  const options = versions.map((v) => ({ value: v.revision, label: t('plans.revisionN', { n: v.revision }) + ` · ${t(`plans.status.${v.status}`)}` }));
  return (
    <Card size="small" title={t('plans.revisions')} extra={
      <Space>
        <Select aria-label={t('plans.from')} placeholder={t('plans.from')} allowClear style={{ width: 160 }} options={options} value={range.from} onChange={(v: number | undefined) => setRange((r) => ({ ...r, from: v }))} />
        <span>→</span>
        <Select aria-label={t('plans.to')} placeholder={t('plans.current')} allowClear style={{ width: 160 }} options={options} value={range.to} onChange={(v: number | undefined) => setRange((r) => ({ ...r, to: v }))} />
      </Space>
    }>
      <ErrorAlert error={history.error} />
      <Table size="small" rowKey="key" loading={history.isPending} pagination={false}
        dataSource={((history.data?.diff ?? []) as { field: string; before: unknown; after: unknown }[]).map((d, i) => ({ ...d, key: `${d.field}-${i}` }))}
        locale={{ emptyText: t('plans.noDiff') }}
        columns={[
          { title: t('plans.field'), dataIndex: 'field', width: 200, render: (f: string) => diffFieldLabel(f, t, indicatorLabel) },
          { title: t('plans.before'), dataIndex: 'before', render: (v: unknown) => <Typography.Text delete type="danger" style={{ whiteSpace: 'pre-wrap' }}>{fmt(v)}</Typography.Text> },
          { title: t('plans.after'), dataIndex: 'after', render: (v: unknown) => <Typography.Text type="success" style={{ whiteSpace: 'pre-wrap' }}>{fmt(v)}</Typography.Text> },
        ]} />
    </Card>
  );
}

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'object') return JSON.stringify(v, null, 1);
  return String(v);
}

function Tasks({ plan }: { plan: PlanRead }) {
  const { t } = useT();
  const tasks = plan.tasks ?? [];
  const option = useMemo(() => taskProgressOption(tasks, t('plans.progress')), [tasks, t]);
  return (
    <>
      <TaskTable tasks={tasks} planStatus={plan.status} />
      {tasks.length > 0 && <Card size="small" style={{ marginTop: 12 }} title={t('plans.progressChart')}><EChart option={option} height={Math.max(120, tasks.length * 28 + 30)} ariaLabel={t('plans.progressChart')} /></Card>}
    </>
  );
}

export default function PlanDetailPage() {
  const { t } = useT();
  const { id: idText } = useParams();
  const [search] = useSearchParams();
  const id = Number(idText);
  const plan = usePlan(id);
  const history = usePlanHistory(id);
  const suggestions = useSuggestions(id);
  const reports = useReports(id);
  const notes = useGuidanceNotes(id);
  const units = useUnitNames();
  const { access } = useSession();
  const p = plan.data;
  return (
    <QueryState loading={plan.isPending} error={plan.error}>
      {p && (
        <div>
          <Card size="small" style={{ marginBottom: 12 }}>
            <Space className="yg-page-head" style={{ width: '100%', justifyContent: 'space-between' }} align="start" wrap>
              <div>
                <Typography.Title level={4} style={{ margin: 0 }} data-testid="plan-title">{p.title}</Typography.Title>
                <Space size={4} wrap style={{ marginTop: 6 }}>
                  <StatusTag status={p.status} />
                  <Tag>{t(`plans.kind.${p.kind}`)}</Tag>
                  <Tag>{p.period}</Tag>
                  <Tag>{units.get(p.unit_id)?.name ?? p.unit_id}</Tag>
                  <Tag>{t('plans.revisionN', { n: p.revision })}</Tag>
                  {p.in_force_revision !== null && p.in_force_revision !== undefined && <Tag color="green" data-testid="in-force-revision">{t('plans.inForceRevision', { n: p.in_force_revision })}</Tag>}
                  {(p.open_suggestions ?? 0) > 0 && <Tag color="gold">{t('plans.openSuggestions', { n: p.open_suggestions ?? 0 })}</Tag>}
                  {p.parent_plan_id && <Link to={`/plans/${p.parent_plan_id}`}>{t('plans.parentPlan')}</Link>}
                </Space>
              </div>
              <Space wrap>
                <ActionBar plan={p} />
                <UrgeButton plan={p} />
                {['draft', 'returned'].includes(p.status) && access.rights.has('plan') && (
                  <Link to={`/plans/${p.id}/edit`}><Button icon={<EditOutlined />}>{t('common.edit')}</Button></Link>
                )}
                {['issued', 'published'].includes(p.status) && (
                  <Link to={`/plans/${p.id}/report`}><Button icon={<FormOutlined />}>{t('plans.weeklyReport')}</Button></Link>
                )}
                <ExportButton url={exportPlanUrl(p.id)} filename={`plan-${p.id}.xlsx`} />
                <PrintButton to={`/print/plans/${p.id}`} />
              </Space>
            </Space>
          </Card>
          <InForceCard plan={p} />
          <Tabs defaultActiveKey={search.get('tab') ?? undefined} items={[
            {
              key: 'overview', label: t('plans.tabOverview'), children: (
                <Row gutter={[12, 12]}>
                  <Col xs={24} lg={16}>
                    <Card size="small" title={t('plans.targets')}>
                      <Table size="small" rowKey="id" pagination={false} dataSource={p.targets ?? []} locale={{ emptyText: t('plans.noTargets') }} columns={[
                        { title: t('plans.indicator'), dataIndex: 'indicator_code', render: (c: string) => <IndicatorName code={c} /> },
                        { title: t('plans.value'), dataIndex: 'value', align: 'right', render: (v: number) => money(v) },
                        { title: t('plans.unitOfMeasure'), dataIndex: 'unit', width: 90 },
                        { title: t('plans.aggregation'), dataIndex: 'aggregation', width: 90, render: (v: string) => t(`plans.agg.${v}`) },
                        { title: t('plans.note'), dataIndex: 'note', ellipsis: true },
                      ]} />
                    </Card>
                    <Card size="small" title={t('plans.resources')} style={{ marginTop: 12 }} extra={<span>{t('plans.budgetTotal')}: <strong data-testid="budget-total">{moneyText(p.budget_total ?? 0, '元', t)}</strong></span>}>
                      <Table size="small" rowKey="id" pagination={false} dataSource={p.resources ?? []} locale={{ emptyText: t('plans.noResources') }} columns={[
                        { title: t('plans.resourceKind.label'), dataIndex: 'kind', width: 90, render: (k: string) => t(`plans.resourceKind.${k}`) },
                        { title: t('plans.description'), dataIndex: 'description' },
                        { title: t('plans.quantity'), dataIndex: 'quantity', align: 'right', width: 90, render: money },
                        { title: t('plans.unitOfMeasure'), dataIndex: 'unit', width: 80 },
                        { title: t('plans.amount'), dataIndex: 'amount', align: 'right', width: 140, render: (v: number | null, r: ResourceRead) => <span data-testid="resource-amount">{moneyText(v, r.amount_unit, t)}</span> },
                      ]} />
                    </Card>
                    {(p.adjustments ?? []).length > 0 && (
                      <Card size="small" title={t('plans.adjustments')} style={{ marginTop: 12 }} data-testid="plan-adjustments">
                        <AdjustmentsTable items={p.adjustments ?? []} canApply={false} showPlan={false} />
                      </Card>
                    )}
                    <RejectedRevisionsCard plan={p} />
                  </Col>
                  <Col xs={24} lg={8}>
                    <Card size="small" title={t('plans.guidance')}>
                      {p.guidance ? <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{p.guidance}</Typography.Paragraph> : <Typography.Text type="secondary">{t('plans.noGuidance')}</Typography.Text>}
                      {(p.inherited_guidance ?? []).length > 0 && (
                        <>
                          <Typography.Text strong>{t('plans.inheritedGuidance')}</Typography.Text>
                          {(p.inherited_guidance as { plan_id: number; title: string; period: string; guidance: string }[]).map((g) => (
                            <Alert key={g.plan_id} style={{ marginTop: 8 }} type="info" message={<Link to={`/plans/${g.plan_id}`}>{g.title}</Link>} description={<span style={{ whiteSpace: 'pre-wrap' }}>{g.guidance}</span>} />
                          ))}
                        </>
                      )}
                    </Card>
                    {(notes.data ?? []).length > 0 && (
                      <Card size="small" title={t('plans.guidanceNotes')} style={{ marginTop: 12 }}>
                        <List size="small" dataSource={notes.data ?? []} renderItem={(n) => (
                          <List.Item><List.Item.Meta title={<Space>{n.author_name}<Typography.Text type="secondary" style={{ fontSize: 12 }}>{n.created_at.slice(0, 16).replace('T', ' ')}</Typography.Text></Space>} description={<span style={{ whiteSpace: 'pre-wrap' }}>{n.text}</span>} /></List.Item>
                        )} />
                      </Card>
                    )}
                    <Card size="small" title={t('plans.riskNotes')} style={{ marginTop: 12 }}>
                      {p.risk_notes ? <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{p.risk_notes}</Typography.Paragraph> : <Typography.Text type="secondary">{t('plans.noRiskNotes')}</Typography.Text>}
                    </Card>
                    <LinkedRisksCard planId={p.id} ids={p.linked_risks ?? []} />
                    <Card size="small" title={t('plans.facts')} style={{ marginTop: 12 }}>
                      <Descriptions size="small" column={1} items={[
                        { key: 'c', label: t('plans.createdAt'), children: p.created_at.slice(0, 16).replace('T', ' ') },
                        { key: 'u', label: t('plans.updatedAt'), children: p.updated_at.slice(0, 16).replace('T', ' ') },
                        { key: 'i', label: t('plans.issuedAt'), children: p.issued_at ? p.issued_at.slice(0, 10) : '—' },
                      ]} />
                    </Card>
                  </Col>
                </Row>
              ),
            },
            { key: 'tasks', label: `${t('plans.tasks')} (${(p.tasks ?? []).length})`, children: <Tasks plan={p} /> },
            {
              key: 'approval', label: t('plans.tabApproval'), children: (
                <>
                  <ErrorAlert error={history.error} />
                  <Approval plan={p} actions={history.data?.actions ?? []} />
                  <div style={{ marginTop: 12 }}><Suggestions plan={p} items={suggestions.data ?? []} /></div>
                </>
              ),
            },
            { key: 'revisions', label: t('plans.revisions'), children: <Revisions plan={p} /> },
            { key: 'discussion', label: t('activity.collab.title'), children: <RecordCollab service="planning" kind="plan" id={p.id} /> },
            {
              key: 'reports', label: t('plans.reports'), children: (
                <QueryState loading={reports.isPending} error={reports.error} empty={(reports.data ?? []).length === 0} emptyText={t('plans.noReports')}>
                  <List size="small" dataSource={reports.data ?? []} renderItem={(r) => (
                    <List.Item><List.Item.Meta title={<Space>{r.week}<span>{r.author_name}</span></Space>} description={r.summary} /></List.Item>
                  )} />
                </QueryState>
              ),
            },
          ]} />
        </div>
      )}
    </QueryState>
  );
}

