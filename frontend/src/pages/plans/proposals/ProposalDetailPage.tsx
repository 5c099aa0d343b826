/** One proposal: what it proposes, the review flow's stages, the decision form for the stage's holders,
 * the benefit after implementation and the reward (money in 元), and its history. */
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Descriptions, Form, Grid, Input, InputNumber, Radio, Row, Select, Space, Steps, Tag, Timeline, Typography } from 'antd';
import { useProposal, useProposalSettings, useProposalStep } from '../../../api/proposals';
import { useUsers } from '../../../api/org';
import type { ProposalDecision, ProposalDetail } from '../../../api/types';
import { useApiFeedback } from '../../../app/feedback';
import { QueryState } from '../../../components/common';
import { useT } from '../../../i18n';
import { ProposalStatusTag } from './ProposalTable';
import { grantedReward, needsReason, nextStage, rewardText, stageStates, yuan } from './proposalView';
import { RecordCollabCard } from '../../../collab/RecordCollab';

const when = (iso?: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

function DecisionForm({ p }: { p: ProposalDetail }) {
  const { t } = useT();
  const [form] = Form.useForm<{ decision: ProposalDecision; reason: string; project_owner_id?: number }>();
  const [decision, setDecision] = useState<ProposalDecision | undefined>();
  const step = useProposalStep(p.id);
  const users = useUsers();
  const feedback = useApiFeedback();
  const next = nextStage(p);
  return (
    <Card size="small" title={t('proposals.decisionTitle')} data-testid="proposal-decision">
      {next && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('proposals.nextStageNote', { stage: next })} />}
      <Form form={form} layout="vertical" onValuesChange={(_, v) => setDecision(v.decision)}
        onFinish={(v) => {
          const owner = users.data?.items.find((u) => u.id === v.project_owner_id);
          step.mutate({ what: 'decision', body: { decision: v.decision, reason: v.reason ?? '', project_owner_id: owner?.id ?? null, project_owner_name: owner?.display_name ?? null } }, {
            onSuccess: () => feedback.ok(t('proposals.decided')), onError: (err) => feedback.fail(err, form),
          });
        }}>
        <Form.Item name="decision" label={t('proposals.decision')} rules={[{ required: true }]}>
          <Radio.Group optionType="button" options={(['adopt', 'partly', 'decline'] as const).map((d) => ({ value: d, label: t(`proposals.decisions.${d}`) }))} />
        </Form.Item>
        <Form.Item name="reason" label={t('proposals.reason')}
          rules={[{ required: needsReason(decision), whitespace: true, message: t('proposals.reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={5000} />
        </Form.Item>
        {decision !== 'decline' && !next && (
          <Form.Item name="project_owner_id" label={t('proposals.projectOwner')} extra={t('proposals.projectOwnerHelp')}>
            <Select allowClear showSearch optionFilterProp="label" aria-label={t('proposals.projectOwner')}
              options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.display_name }))} />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit" loading={step.isPending}>{t('proposals.decide')}</Button>
      </Form>
    </Card>
  );
}

function BenefitCard({ p }: { p: ProposalDetail }) {
  const { t } = useT();
  const [form] = Form.useForm<{ benefit: string; benefit_amount?: number | null }>();
  const step = useProposalStep(p.id);
  const feedback = useApiFeedback();
  const may = p.can.includes('record_benefit');
  if (!p.benefit_at && !may) return null;
  return (
    <Card size="small" title={t('proposals.benefitTitle')} data-testid="proposal-benefit">
      {p.benefit_at ? (
        <Space direction="vertical" size={2} style={{ marginBottom: may && p.status !== 'rewarded' ? 12 : 0 }}>
          <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{p.benefit}</Typography.Text>
          <Typography.Text strong data-testid="proposal-benefit-amount">{t('proposals.benefitAmountShort')}{t('common.colon')}{yuan(p.benefit_amount, t)}</Typography.Text>
          <Typography.Text type="secondary">{t('proposals.benefitBy', { name: p.benefit_by_name, at: when(p.benefit_at) })}</Typography.Text>
        </Space>
      ) : <Typography.Paragraph type="secondary">{t('proposals.noBenefit')}</Typography.Paragraph>}
      {may && p.status !== 'rewarded' && (
        <Form form={form} layout="vertical" initialValues={{ benefit: p.benefit, benefit_amount: p.benefit_amount }}
          onFinish={(v) => step.mutate({ what: 'benefit', body: { benefit: v.benefit, benefit_amount: v.benefit_amount ?? null } }, {
            onSuccess: () => feedback.ok(t('proposals.benefitRecorded')), onError: (err) => feedback.fail(err, form),
          })}>
          <Form.Item name="benefit" label={t('proposals.benefit')} rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={2} maxLength={5000} />
          </Form.Item>
          <Form.Item name="benefit_amount" label={t('proposals.benefitAmount')}>
            <InputNumber min={0} style={{ width: 220 }} addonAfter="元" />
          </Form.Item>
          <Button htmlType="submit" type={p.benefit_at ? 'default' : 'primary'} loading={step.isPending}>{t('proposals.recordBenefit')}</Button>
        </Form>
      )}
    </Card>
  );
}

function RewardCard({ p }: { p: ProposalDetail }) {
  const { t } = useT();
  const [form] = Form.useForm<{ level: string; note?: string }>();
  const settings = useProposalSettings();
  const step = useProposalStep(p.id);
  const feedback = useApiFeedback();
  const granted = grantedReward(p, t);
  const may = p.can.includes('reward');
  if (!granted && !may && !['adopted', 'partly', 'implemented'].includes(p.status)) return null;
  return (
    <Card size="small" title={p.mine ? t('proposals.myReward') : t('proposals.rewardTitle')} data-testid="proposal-reward">
      {granted ? (
        <Space direction="vertical" size={2}>
          <Typography.Text strong style={{ fontSize: 16 }} data-testid="proposal-reward-text">{granted}</Typography.Text>
          {p.reward_note && <Typography.Text>{p.reward_note}</Typography.Text>}
          <Typography.Text type="secondary">{t('proposals.rewardBy', { name: p.rewarded_by_name, at: when(p.rewarded_at) })}</Typography.Text>
        </Space>
      ) : <Typography.Paragraph type="secondary">{t('proposals.noReward')}</Typography.Paragraph>}
      {may && (
        <Form form={form} layout="vertical"
          onFinish={(v) => step.mutate({ what: 'reward', body: { level: v.level, note: v.note ?? '' } }, {
            onSuccess: () => feedback.ok(t('proposals.rewardGranted')), onError: (err) => feedback.fail(err, form),
          })}>
          <Form.Item name="level" label={t('proposals.rewardLevel')} rules={[{ required: true }]}>
            <Select aria-label={t('proposals.rewardLevel')} options={(settings.data?.reward_levels ?? []).map((l) => ({ value: l.key, label: rewardText(l, t) }))} />
          </Form.Item>
          <Form.Item name="note" label={t('proposals.rewardNote')}>
            <Input maxLength={2000} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={step.isPending}>{t('proposals.grantReward')}</Button>
        </Form>
      )}
    </Card>
  );
}

export default function ProposalDetailPage() {
  const { t } = useT();
  const id = Number(useParams().id);
  const proposal = useProposal(id);
  const p = proposal.data;
  // on a phone the labels go above their text, which then has the screen's width
  const narrow = Grid.useBreakpoint().md === false;
  return (
    <QueryState loading={proposal.isPending} error={proposal.error}>
      {p && (
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          <Space wrap align="center">
            <Typography.Title level={4} style={{ margin: 0 }}>{p.title}</Typography.Title>
            <ProposalStatusTag status={p.status} />
            {p.category && <Tag>{p.category}</Tag>}
          </Space>
          <Row gutter={[12, 12]}>
            <Col xs={24} lg={14}>
              <Space direction="vertical" size={12} style={{ width: '100%' }}>
                <Card size="small">
                  <Descriptions size="small" column={1} layout={narrow ? 'vertical' : 'horizontal'} labelStyle={narrow ? undefined : { width: 110 }}>
                    <Descriptions.Item label={t('proposals.unit')}>{p.unit_name}</Descriptions.Item>
                    <Descriptions.Item label={t('proposals.proposer')}>
                      {p.anonymous && !p.mine ? <Tag>{t('proposals.anonymousName')}</Tag> : <>{p.proposer_name}{p.anonymous && <Tag style={{ marginLeft: 8 }}>{t('proposals.anonymousName')}</Tag>}</>}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('proposals.submittedAt')}>{when(p.created_at)}</Descriptions.Item>
                    <Descriptions.Item label={t('proposals.problem')}><Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{p.problem}</Typography.Paragraph></Descriptions.Item>
                    <Descriptions.Item label={t('proposals.suggestion')}><Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{p.suggestion}</Typography.Paragraph></Descriptions.Item>
                    <Descriptions.Item label={t('proposals.expectedBenefit')}>{p.expected_benefit || '—'}</Descriptions.Item>
                    {p.decision && (
                      <Descriptions.Item label={t('proposals.decisionTitle')}>
                        <Space direction="vertical" size={0}>
                          <span>{t(`proposals.decisions.${p.decision}`)}{p.decision_reason ? `：${p.decision_reason}` : ''}</span>
                          <Typography.Text type="secondary">{t('proposals.decidedBy', { name: p.decided_by_name, at: when(p.decided_at) })}</Typography.Text>
                        </Space>
                      </Descriptions.Item>
                    )}
                    {p.project_id && (
                      <Descriptions.Item label={t('proposals.project')}>
                        <Link to={`/improvement/projects/${p.project_id}`}>{t('proposals.openProject', { id: p.project_id })}</Link>
                      </Descriptions.Item>
                    )}
                  </Descriptions>
                </Card>
                {p.can.includes('decide') && <DecisionForm p={p} />}
                <BenefitCard p={p} />
                <RewardCard p={p} />
              </Space>
            </Col>
            <Col xs={24} lg={10}>
              <Space direction="vertical" size={12} style={{ width: '100%' }}>
                <Card size="small" title={t('proposals.reviewSteps')}>
                  <Steps direction="vertical" size="small" items={p.stages.map((s, i) => ({
                    title: s.name, status: stageStates(p)[i],
                    description: t('proposals.stageRule', { right: t(`org.right.${s.right}`), over: t(`proposals.stage.${s.over}`) }),
                  }))} />
                </Card>
                <Card size="small" title={t('proposals.history')}>
                  <Timeline items={p.steps.map((s) => ({
                    key: s.id,
                    color: s.action === 'decline' ? 'red' : s.action === 'reward' ? 'green' : 'blue',
                    children: <Space direction="vertical" size={0}>
                      <span><strong>{t(`proposals.actions.${s.action}`)}</strong>{s.stage_name ? ` · ${s.stage_name}` : ''} · {s.actor_name}</span>
                      {s.comment && <Typography.Text>{s.comment}</Typography.Text>}
                      <Typography.Text type="secondary">{when(s.at)}</Typography.Text>
                    </Space>,
                  }))} />
                </Card>
              </Space>
            </Col>
          </Row>
          <RecordCollabCard service="planning" kind="proposal" id={p.id} />
        </Space>
      )}
    </QueryState>
  );
}
