import { useState } from 'react';
import { useParams, Link, useNavigate } from 'react-router-dom';
import { Breadcrumb, Card, Col, Descriptions, Empty, Form, Input, InputNumber, Popconfirm, Radio, Row, Space, Table, Tag, Typography, Button } from 'antd';
import { DeleteOutlined, EditOutlined, SafetyCertificateOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useAssessRisk, useDeleteRisk, useRisk, useRiskActions, useRiskAssessments } from '../../api/risk';
import type { RiskAssessmentCreate, RiskAssessmentRead, RiskRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { previewLevel } from '../../charts/risk';
import { ErrorAlert, QueryState } from '../../components/common';
import { useT } from '../../i18n';
import { ActionsCard } from './ActionsCard';
import { KriCard } from './KriCard';
import { RecordCollabCard } from '../../collab/RecordCollab';
import { LevelTag, UserName } from './parts';
import { RiskFormModal } from './RiskFormModal';
import { AcceptanceModal, ActivateModal, ContingencyModal } from './RiskResponse';
import { canActivate, riskRights } from './riskRules';

const ts = (v: string | null | undefined) => (v ? v.slice(0, 16).replace('T', ' ') : '—');

function Score({ score }: { score: RiskRead['current'] }) {
  if (!score) return <>—</>;
  return <Space size={4}><span>{score.likelihood} × {score.impact} = {score.score}</span><LevelTag level={score.level} /></Space>;
}

function AssessForm({ risk }: { risk: RiskRead }) {
  const { t } = useT();
  const assess = useAssessRisk(risk.id);
  const feedback = useApiFeedback();
  const [form] = Form.useForm<RiskAssessmentCreate>();
  const l = Form.useWatch('likelihood', form);
  const i = Form.useWatch('impact', form);
  const preview = l && i ? previewLevel(l, i) : null;
  return (
    <Card size="small" title={t('risk.assessTitle')}>
      <Form form={form} layout="vertical" initialValues={{ kind: risk.inherent ? 'residual' : 'inherent', likelihood: risk.current?.likelihood, impact: risk.current?.impact, note: '' }}
        onFinish={async (v) => {
          try {
            const r = await assess.mutateAsync({ ...v, note: v.note ?? '' });
            feedback.ok(r.level_changed ? t('risk.assessedChanged', { from: t(`risk.levels.${r.previous_level ?? 'low'}`), to: r.level_label }) : t('risk.assessed', { level: r.level_label }));
          } catch (err) { feedback.fail(err, form); }
        }}>
        <Form.Item name="kind" label={t('risk.kind')}>
          <Radio.Group optionType="button" options={(['inherent', 'residual'] as const).map((k) => ({ value: k, label: t(`risk.bases.${k}`) }))} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="likelihood" label={t('risk.likelihood')} rules={[{ required: true, message: t('risk.scaleRequired') }]}>
            <InputNumber min={1} max={5} precision={0} style={{ width: 100 }} />
          </Form.Item>
          <Form.Item name="impact" label={t('risk.impact')} rules={[{ required: true, message: t('risk.scaleRequired') }]}>
            <InputNumber min={1} max={5} precision={0} style={{ width: 100 }} />
          </Form.Item>
          {preview && <Form.Item label={t('risk.preview')}><Space size={4}><span>{preview.score}</span><LevelTag level={preview.level} /></Space></Form.Item>}
        </Space>
        <Form.Item name="note" label={t('risk.note')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
        <Button type="primary" htmlType="submit" loading={assess.isPending}>{t('risk.submitAssessment')}</Button>
      </Form>
    </Card>
  );
}

export default function RiskDetailPage() {
  const { t } = useT();
  const { id } = useParams();
  const navigate = useNavigate();
  const riskId = Number(id);
  const valid = Number.isFinite(riskId) ? riskId : undefined;
  const risk = useRisk(valid);
  const history = useRiskAssessments(valid);
  const actions = useRiskActions(valid);
  const { me } = useSession();
  const feedback = useApiFeedback();
  const del = useDeleteRisk(riskId);
  const [dialog, setDialog] = useState<'edit' | 'plan' | 'activate' | 'accept' | null>(null);
  const r = risk.data;
  const rights = r ? riskRights(r, me?.grants, me?.user.id) : null;
  const activatable = r ? canActivate(r, actions.data?.items ?? []) : false;
  return (
    <div>
      <Breadcrumb style={{ marginBottom: 8 }} items={[{ title: <Link to="/risk">{t('menu.riskRegister')}</Link> }, { title: r?.title ?? id }]} />
      <QueryState loading={risk.isPending} error={risk.error}>
        {r && rights && (
          <>
            <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
              <Space wrap>
                <Typography.Title level={4} style={{ margin: 0 }}>{r.title}</Typography.Title>
                <LevelTag level={r.level} />
                <Tag>{t(`risk.statuses.${r.status}`)}</Tag>
              </Space>
              <Space wrap data-testid="risk-buttons">
                {rights.edit && <Button icon={<EditOutlined />} onClick={() => setDialog('edit')}>{t('risk.editRisk')}</Button>}
                {rights.signAcceptance && r.level && r.status !== 'closed' && (
                  <Button icon={<SafetyCertificateOutlined />} onClick={() => setDialog('accept')}>{t('risk.signAcceptance')}</Button>
                )}
                {rights.plan && !r.level && (
                  <Popconfirm title={t('risk.deleteConfirm')} okText={t('common.delete')} cancelText={t('common.cancel')} okButtonProps={{ danger: true, loading: del.isPending }}
                    onConfirm={async () => {
                      try { await del.mutateAsync(); feedback.ok(t('risk.deleted')); navigate('/risk'); } catch (err) { feedback.fail(err); }
                    }}>
                    <Button danger icon={<DeleteOutlined />}>{t('common.delete')}</Button>
                  </Popconfirm>
                )}
              </Space>
            </Space>
            <Row gutter={[12, 12]}>
              <Col xs={24} xl={14}>
                <Card size="small" title={t('risk.overview')} style={{ marginBottom: 12 }}>
                  <Descriptions size="small" column={{ xs: 1, md: 2 }} items={[
                    { key: 'unit', label: t('common.unit'), children: r.unit_name ?? '—' },
                    { key: 'cat', label: t('risk.category'), children: t(`risk.categories.${r.category}`) },
                    { key: 'owner', label: t('risk.owner'), children: <UserName id={r.owner_id} /> },
                    { key: 'rev', label: t('risk.nextReview'), children: r.next_review_date ?? '—' },
                    { key: 'inh', label: t('risk.bases.inherent'), children: <Score score={r.inherent} /> },
                    { key: 'res', label: t('risk.bases.residual'), children: <Score score={r.residual} /> },
                    { key: 'cur', label: t('risk.bases.current'), span: 2, children: <Score score={r.current} /> },
                    { key: 'desc', label: t('risk.description'), span: 2, children: <span style={{ whiteSpace: 'pre-wrap' }}>{r.description || '—'}</span> },
                    { key: 'str', label: t('risk.strategy'), children: r.strategy ? t(`risk.strategies.${r.strategy}`) : '—' },
                    { key: 'strn', label: t('risk.strategyNote'), children: r.strategy_note || '—' },
                    ...(r.acceptance ? [{ key: 'acc', label: t('risk.acceptance'), span: 2, children: (
                      <Space size={4} wrap data-testid="risk-acceptance">
                        <span>{t('risk.acceptanceText', { name: r.acceptance.signed_name ?? r.acceptance.signed_by, until: r.acceptance.expires_on })}</span>
                        {r.acceptance.expired && <Tag color="red">{t('risk.acceptanceExpired')}</Tag>}
                      </Space>
                    ) }] : []),
                  ]} />
                </Card>
                <Card size="small" title={t('risk.contingency')} style={{ marginBottom: 12 }} data-testid="risk-contingency"
                  extra={(
                    <Space size={4}>
                      {rights.edit && r.status !== 'closed' && <Button size="small" onClick={() => setDialog('plan')}>{r.contingency_plan ? t('risk.editContingency') : t('risk.addContingency')}</Button>}
                      {rights.activate && activatable && <Button size="small" type="primary" danger icon={<ThunderboltOutlined />} onClick={() => setDialog('activate')}>{t('risk.activate')}</Button>}
                    </Space>
                  )}>
                  {!r.contingency_plan ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('risk.noContingency')} /> : (
                    <>
                      <Descriptions size="small" column={1} items={[
                        { key: 'tr', label: t('risk.trigger'), children: r.contingency_plan.trigger },
                        { key: 'po', label: t('risk.planOwner'), children: <UserName id={r.contingency_plan.owner_id} /> },
                        { key: 'fb', label: t('risk.fallback'), children: r.contingency_plan.fallback_resources?.length ? r.contingency_plan.fallback_resources.map((f) => <Tag key={f}>{f}</Tag>) : '—' },
                        { key: 'act', label: t('risk.activatedAt'), children: ts(r.contingency_activated_at) },
                      ]} />
                      <ol style={{ margin: '8px 0 0', paddingInlineStart: 20 }}>
                        {r.contingency_plan.steps.map((s, i) => <li key={i}>{s.title} <Typography.Text type="secondary">（{s.due_in_days === 0 ? t('risk.dueToday') : t('risk.dueInDays', { n: s.due_in_days })}{s.owner_id ? ` · ` : ''}{s.owner_id ? <UserName id={s.owner_id} /> : null}）</Typography.Text></li>)}
                      </ol>
                      {!activatable && r.status !== 'closed' && rights.activate && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('risk.activeHint')}</Typography.Text>}
                    </>
                  )}
                </Card>
                <ActionsCard risk={r} rights={rights} />
                <KriCard risk={r} mayPlan={rights.plan} />
              </Col>
              <Col xs={24} xl={10}>
                {rights.plan && r.status !== 'closed' && <div style={{ marginBottom: 12 }}><AssessForm key={`${r.version}:${history.data?.items.length ?? 0}`} risk={r} /></div>}
                <Card size="small" title={t('risk.history')}>
                  <ErrorAlert error={history.error} />
                  <Table<RiskAssessmentRead> size="small" tableLayout="fixed" rowKey="id" loading={history.isPending} dataSource={[...(history.data?.items ?? [])].reverse()} pagination={false}
                    locale={{ emptyText: t('risk.noHistory') }}
                    columns={[
                      { title: t('risk.at'), dataIndex: 'assessed_at', width: 140, render: (v: string, a) => (
                        <Space direction="vertical" size={0}><span>{ts(v)}</span><Typography.Text type="secondary" style={{ fontSize: 12 }}>{a.assessed_by_name || a.assessed_by}</Typography.Text></Space>
                      ) },
                      { title: t('risk.kind'), dataIndex: 'kind', width: 84, render: (k: string) => t(`risk.bases.${k}`) },
                      { title: t('risk.score'), width: 120, render: (_, a) => <Space size={4}><span>{a.likelihood}×{a.impact}={a.score}</span><LevelTag level={a.level} /></Space> },
                      { title: t('risk.note'), dataIndex: 'note', ellipsis: true, render: (n: string) => n || '—' },
                    ]} />
                </Card>
              </Col>
            </Row>
            <RecordCollabCard service="risk" kind="risk" id={r.id} />
            <RiskFormModal open={dialog === 'edit'} riskId={r.id} onClose={() => setDialog(null)} />
            {dialog === 'plan' && <ContingencyModal risk={r} open onClose={() => setDialog(null)} />}
            {dialog === 'activate' && <ActivateModal risk={r} open onClose={() => setDialog(null)} />}
            {dialog === 'accept' && <AcceptanceModal risk={r} open onClose={() => setDialog(null)} />}
          </>
        )}
      </QueryState>
    </div>
  );
}
