/** One assessment run (考核): indicator items scored from attainment by the service, qualitative
 * items scored here by the assessor, then finalised — after which everything is read-only and the
 * grade and the rewards / penalties are on record. */
import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Descriptions, Form, Input, InputNumber, Modal, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useAssessment, useFinalizeAssessment, useRecomputeAssessment, useScoreAssessment, useScorecard, type AssessmentItemRead, type AssessmentOutcome } from '../../api/kpi';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { QueryState } from '../../components/common';
import { IndicatorName, useIndicatorLabel } from '../../components/Indicator';
import { fmtNum, fmtRatio } from '../../charts/kpi';
import { useT } from '../../i18n';
import { ActionFormModal, RAISE_RIGHTS } from './ActionFormModal';
import { ASSESSMENT_STATUS_COLOR, contribution, countedWeight, GRADE_COLORS, maxScore, outcomesForGrade, ruleText, unscored } from './assessmentView';
import { canOver } from '../../app/grants';
import { OutcomeTags } from './OutcomeTags';
import { PrintButton } from '../../components/PrintButton';
import { RoutinePartCard } from './sanctions/RoutinePart';
import { useScale } from './sanctions/hooks';
import { pendingOutcomes as pendingByScale } from './sanctions/sanctionView';
import { useWhoName } from './people';

type Scores = Record<string, { score?: number | null; note?: string }>;

export default function AssessmentDetailPage() {
  const { t } = useT();
  const { id } = useParams();
  const assessmentId = Number(id);
  const { me } = useSession();
  const query = useAssessment(Number.isFinite(assessmentId) ? assessmentId : undefined);
  const a = query.data;
  // the template's outcomes per grade: what finalising a draft will record
  const card = useScorecard(a?.status === 'draft' ? a.scorecard_id : undefined);
  const who = useWhoName();
  const score = useScoreAssessment();
  const recompute = useRecomputeAssessment();
  const finalize = useFinalizeAssessment();
  const feedback = useApiFeedback();
  const [form] = Form.useForm<{ q: Scores }>();
  const [finalizing, setFinalizing] = useState(false);
  const [finalNote, setFinalNote] = useState('');
  const [incompleteReason, setIncompleteReason] = useState('');
  // when the raise dialog opened: one assessment may lead to several actions, each its own origin_ref
  const [raising, setRaising] = useState<number | null>(null);

  const lines = useMemo(() => a?.items ?? [], [a]);
  // the total is taken over the items with data: their weights are what each contribution is a share of
  const weightSum = countedWeight(lines);
  const noData = lines.filter((l) => l.no_data);
  const counted = a ? fmtNum(a.weight_counted, 0) : '';
  const indicatorLabel = useIndicatorLabel();
  const incompleteText = t('kpi.incompleteHint', { items: noData.map((l) => l.name || (l.indicator_code ? indicatorLabel(l.indicator_code) : l.key)).join('、'), pct: counted });
  const draft = a?.status === 'draft';
  const assessor = !!a && canOver(me?.grants, 'assess', a.unit_path);
  const editable = draft && assessor;
  const canRaise = !!a && canOver(me?.grants, RAISE_RIGHTS, a.unit_path);
  const missing = a ? unscored(lines, a.qualitative) : [];
  const qualitative = lines.filter((l) => l.kind === 'qualitative');

  useEffect(() => {
    if (!a) return;
    const q: Scores = {};
    for (const [key, { score: s, note }] of Object.entries(a.qualitative)) q[key] = { score: s, note };
    form.setFieldsValue({ q });
  }, [a, form]);

  const saveScores = async (): Promise<boolean> => {
    if (!a) return false;
    let values: { q?: Scores };
    try {
      values = await form.validateFields();
    } catch {
      return false;
    }
    const body: Record<string, { score: number; note: string }> = {};
    for (const l of qualitative) {
      const v = values.q?.[l.key];
      if (v && v.score !== null && v.score !== undefined) body[l.key] = { score: v.score, note: v.note ?? '' };
    }
    if (Object.keys(body).length === 0) return true;
    try {
      await score.mutateAsync({ id: a.id, body: { qualitative: body } });
      return true;
    } catch (err) {
      feedback.fail(err);
      return false;
    }
  };

  const title = a ? `${a.unit_name || a.unit_path}${a.person_name ? ` · ${a.person_name}` : ''} · ${a.period}` : '';
  const seed = useMemo(() => (a && raising !== null
    ? { unit_id: a.unit_id, period: a.period, origin: 'assessment' as const, origin_ref: `assessment:${a.id}:${raising}`, title: t('kpi.assessmentActionTitle', { title }) }
    : undefined), [a, raising, title, t]);
  const scale = useScale();
  // the scorecard's outcomes for the grade, else (annual) the company scale's: what finalising will propose
  const pendingOutcomes = (a ? pendingByScale(outcomesForGrade(card.data?.outcomes, a.grade), scale.data?.lines, a) : []) as AssessmentOutcome[];
  return (
    <QueryState loading={query.isPending} error={query.error}>
      {a && (
        <div>
          <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
            <Space wrap>
              <Typography.Title level={4} style={{ margin: 0 }}>{t('kpi.assessmentOf', { title })}</Typography.Title>
              <Tag color={ASSESSMENT_STATUS_COLOR[a.status] ?? 'default'}>{t(`kpi.assessmentStatuses.${a.status}`)}</Tag>
              <Tag>{t(`kpi.assessmentKinds.${a.kind}`)}</Tag>
            </Space>
            <Space wrap>
              <Link to="/kpi/assessments"><Button>{t('kpi.backToResults')}</Button></Link>
              <PrintButton to={`/print/assessments/${a.id}`} />
              {!draft && <Link to="/kpi/sanctions"><Button>{t('sanctions.toRegister')}</Button></Link>}
              {canRaise && <Button onClick={() => setRaising(Date.now())}>{t('kpi.raiseAction')}</Button>}
              {editable && <Button icon={<ReloadOutlined />} loading={recompute.isPending} onClick={() => void recompute.mutateAsync(a.id).then(() => feedback.ok(t('kpi.recomputed')), (e) => feedback.fail(e))}>{t('kpi.recompute')}</Button>}
              {editable && qualitative.length > 0 && <Button loading={score.isPending} onClick={() => void saveScores().then((ok) => ok && feedback.ok(t('kpi.scoresSaved')))}>{t('kpi.saveScores')}</Button>}
              {editable && <Button type="primary" onClick={() => void saveScores().then((ok) => { if (ok) { setFinalNote(''); setIncompleteReason(''); setFinalizing(true); } })}>{t('kpi.finalize')}</Button>}
            </Space>
          </Space>
          {!draft && (
            <Alert type="success" showIcon style={{ marginBottom: 12 }} message={t('kpi.finalizedHint', { at: a.finalized_at ? new Date(a.finalized_at).toLocaleString() : '', by: who(a.finalized_by) })}
              description={a.incomplete_reason ? t('kpi.incompleteReasonShown', { reason: a.incomplete_reason }) : undefined} />
          )}
          {draft && !assessor && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('kpi.readOnlyNoAssess')} />}
          {a.vetoed && <Alert type="error" showIcon style={{ marginBottom: 12 }} message={t('kpi.vetoedHint')} />}
          <Row gutter={12} style={{ marginBottom: 12 }}>
            <Col xs={12} md={5}>
              <Card size="small" data-testid="assessment-total">
                <Statistic title={<Space size={4}>{t('kpi.total')}{a.incomplete && <Tag color="orange">{t('kpi.incomplete')}</Tag>}</Space>}
                  value={a.total === null ? '—' : fmtNum(a.total, 1)} />
                {a.incomplete && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('kpi.weightCounted', { pct: counted })}</Typography.Text>}
              </Card>
            </Col>
            <Col xs={12} md={4}>
              <Card size="small" data-testid="assessment-grade">
                <Statistic title={t('kpi.grade')} value={a.grade ?? '—'} valueStyle={{ color: a.grade ? undefined : '#999' }}
                  formatter={(v) => (a.grade ? <Tag color={GRADE_COLORS[a.grade]} style={{ fontSize: 20, lineHeight: '30px', padding: '0 12px' }}>{String(v)}</Tag> : String(v))} />
              </Card>
            </Col>
            <Col xs={24} md={15}>
              <Card size="small" style={{ height: '100%' }}>
                <Descriptions size="small" column={2}>
                  <Descriptions.Item label={t('kpi.scorecard')}>{a.scorecard_name || `#${a.scorecard_id}`}</Descriptions.Item>
                  <Descriptions.Item label={t('kpi.subjectKind')}>{t(`kpi.subjectKinds.${a.subject_kind}`)}</Descriptions.Item>
                  <Descriptions.Item label={draft ? t('kpi.outcomesOnFinalize') : t('kpi.outcomes')} span={2}>
                    <OutcomeTags outcomes={draft ? pendingOutcomes : a.outcomes} />
                  </Descriptions.Item>
                </Descriptions>
              </Card>
            </Col>
          </Row>
          {a.incomplete && <Alert type="warning" showIcon style={{ marginBottom: 12 }} data-testid="assessment-incomplete"
            message={draft ? `${incompleteText}${t('kpi.incompleteNeedsReason')}` : incompleteText} />}
          {draft && missing.length > 0 && <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('kpi.missingScores', { items: missing.map((l) => l.name || l.key).join('、') })} />}
          <Form form={form} component={false}>
            <Table<AssessmentItemRead> size="small" rowKey="key" pagination={false} dataSource={lines} scroll={{ x: 1000 }} data-testid="assessment-items"
              columns={[
                { title: t('kpi.item'), render: (_, l) => (
                  <Space direction="vertical" size={0}>
                    <span>{l.name || (l.indicator_code ? <IndicatorName code={l.indicator_code} /> : l.key)}</span>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>{l.kind === 'qualitative' ? t('kpi.outOf', { n: maxScore(l) }) : ruleText(l.rule, t)}</Typography.Text>
                  </Space>
                ) },
                { title: t('kpi.weight'), dataIndex: 'weight', width: 64, align: 'right', render: (w: number) => `${w}%` },
                { title: t('kpi.actual'), dataIndex: 'actual', width: 100, align: 'right', render: (v: number | null, l) => (l.kind === 'indicator' ? fmtNum(v) : '') },
                { title: t('kpi.target'), dataIndex: 'target', width: 100, align: 'right', render: (v: number | null, l) => (l.kind === 'indicator' ? fmtNum(v) : '') },
                { title: t('kpi.attainment'), dataIndex: 'attainment', width: 80, align: 'right', render: (v: number | null, l) => (l.kind === 'indicator' ? fmtRatio(v) : '') },
                { title: t('kpi.score'), width: 250, render: (_, l) => {
                  if (l.kind === 'indicator' && l.no_data) return <Tag>{t('kpi.noData')}</Tag>;
                  if (l.kind === 'indicator') return <Space size={4}>{fmtNum(l.score, 1)}{l.vetoed && <Tag color="red">{t('kpi.vetoed')}</Tag>}</Space>;
                  if (!editable) {
                    const note = a.qualitative[l.key]?.note;
                    return <Space direction="vertical" size={0}><span>{fmtNum(l.score, 1)} / {maxScore(l)}</span>{note ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{note}</Typography.Text> : null}</Space>;
                  }
                  return (
                    <Space direction="vertical" size={4} style={{ width: '100%' }}>
                      <Form.Item name={['q', l.key, 'score']} style={{ margin: 0 }} rules={[{ type: 'number', min: 0, max: maxScore(l), message: t('kpi.scoreRange', { max: maxScore(l) }) }]}>
                        <InputNumber size="small" min={0} max={maxScore(l)} addonAfter={`/ ${maxScore(l)}`} style={{ width: 150 }} aria-label={t('kpi.scoreOf', { name: l.name || l.key })} />
                      </Form.Item>
                      <Form.Item name={['q', l.key, 'note']} style={{ margin: 0 }} rules={[{ max: 2000, message: t('kpi.tooLong', { n: 2000 }) }]}>
                        <Input size="small" placeholder={t('kpi.scoreNote')} maxLength={2000} aria-label={t('kpi.scoreNoteOf', { name: l.name || l.key })} />
                      </Form.Item>
                    </Space>
                  );
                } },
                { title: t('kpi.contribution'), width: 80, align: 'right', render: (_, l) => fmtNum(contribution(l, weightSum), 1) },
              ]} />
          </Form>
          {a.routine && <RoutinePartCard part={a.routine} total={a.total} finalized={!draft} />}
          <Modal open={finalizing} title={t('kpi.finalizeTitle')} onCancel={() => setFinalizing(false)} okText={t('kpi.finalize')} okButtonProps={{ loading: finalize.isPending, disabled: missing.length > 0 || (a.incomplete && !incompleteReason.trim()) }} destroyOnHidden
            onOk={async () => {
              try {
                await finalize.mutateAsync({ id: a.id, body: { note: finalNote, incomplete_reason: a.incomplete ? incompleteReason : '' } });
                feedback.ok(t('kpi.finalized'));
                setFinalizing(false);
              } catch (err) { feedback.fail(err); }
            }}>
            {missing.length > 0
              ? <Alert type="warning" showIcon message={t('kpi.missingScores', { items: missing.map((l) => l.name || l.key).join('、') })} />
              : (
                <Descriptions size="small" column={1} style={{ marginBottom: 8 }}>
                  <Descriptions.Item label={t('kpi.total')}>{fmtNum(a.total, 1)}</Descriptions.Item>
                  <Descriptions.Item label={t('kpi.grade')}>{a.grade ? <Tag color={GRADE_COLORS[a.grade]}>{a.grade}</Tag> : '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('kpi.outcomes')}><OutcomeTags outcomes={pendingOutcomes} /></Descriptions.Item>
                </Descriptions>
              )}
            {a.incomplete && missing.length === 0 && (
              <div style={{ marginBottom: 8 }}>
                <Alert type="warning" showIcon style={{ marginBottom: 8 }}
                  message={incompleteText} />
                <Input.TextArea rows={2} maxLength={2000} value={incompleteReason} onChange={(e) => setIncompleteReason(e.target.value)}
                  placeholder={t('kpi.incompleteReasonRequired')} aria-label={t('kpi.incompleteReason')} status={incompleteReason.trim() ? undefined : 'warning'} />
              </div>
            )}
            <Typography.Paragraph type="secondary">{t('kpi.finalizeWarning')}</Typography.Paragraph>
            <Input.TextArea rows={2} maxLength={2000} value={finalNote} onChange={(e) => setFinalNote(e.target.value)} placeholder={t('kpi.note')} aria-label={t('kpi.note')} />
          </Modal>
          <ActionFormModal open={raising !== null} onClose={() => setRaising(null)} seed={seed} />
        </div>
      )}
    </QueryState>
  );
}
