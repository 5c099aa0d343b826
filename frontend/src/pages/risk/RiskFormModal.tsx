/** Register a risk (with its first inherent assessment) or change one; edits send If-Match. */
import { Alert, Col, DatePicker, Form, Input, InputNumber, Modal, Row, Select, Skeleton, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCreateRisk, useRisk, useUpdateRisk, type RiskUpdate } from '../../api/risk';
import type { RiskCategory, RiskRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { previewLevel } from '../../charts/risk';
import { ErrorAlert, UnitSelect } from '../../components/common';
import { useT } from '../../i18n';
import { CATEGORIES, STRATEGIES } from './constants';
import { FormButtons, LevelTag, UserSelect } from './parts';
import { changedFields, OWNER_FIELDS, riskRights, statusOptions, statusProblem } from './riskRules';

type Values = {
  title: string; category: RiskCategory; unit_id: number; owner_id?: number | null; description?: string;
  next_review_date?: Dayjs | null; likelihood?: number | null; impact?: number | null;
  status?: RiskRead['status']; strategy?: RiskRead['strategy']; strategy_note?: string;
};

export function RiskFormModal({ open, riskId, onClose, onSaved }: {
  open: boolean; riskId?: number; onClose: () => void; onSaved?: (r: RiskRead) => void;
}) {
  const { t } = useT();
  const editing = riskId !== undefined;
  // the risk read fresh when the dialog opens: its ETag goes back as If-Match
  const fresh = useRisk(open ? riskId : undefined);
  const ready = !editing || (fresh.data !== undefined && !fresh.isFetching);
  return (
    <Modal open={open} title={editing ? t('risk.editRisk') : t('risk.newRisk')} onCancel={onClose} footer={null} width={760} destroyOnHidden>
      {editing && <ErrorAlert error={fresh.error} />}
      {!ready ? <Skeleton active /> : <RiskForm risk={editing ? fresh.data : undefined} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function RiskForm({ risk, onClose, onSaved }: { risk?: RiskRead; onClose: () => void; onSaved?: (r: RiskRead) => void }) {
  const { t } = useT();
  const { me } = useSession();
  const feedback = useApiFeedback();
  const [form] = Form.useForm<Values>();
  const create = useCreateRisk();
  const update = useUpdateRisk(risk?.id ?? 0);
  const rights = risk ? riskRights(risk, me?.grants, me?.user.id) : null;
  const ownerOnly = !!rights && !rights.plan;
  const locked = (field: string) => ownerOnly && !(OWNER_FIELDS as readonly string[]).includes(field);
  const l = Form.useWatch('likelihood', form);
  const i = Form.useWatch('impact', form);
  const status = Form.useWatch('status', form);
  const strategy = Form.useWatch('strategy', form);
  const preview = l && i ? previewLevel(l, i) : null;
  const problem = risk ? statusProblem(risk, { status, strategy, contingency: !!risk.contingency_plan }) : null;
  const initial: Partial<Values> = risk
    ? { title: risk.title, category: risk.category, unit_id: risk.unit_id, owner_id: risk.owner_id, description: risk.description,
        next_review_date: risk.next_review_date ? dayjs(risk.next_review_date) : null, status: risk.status, strategy: risk.strategy,
        strategy_note: risk.strategy_note }
    : { unit_id: me?.positions[0]?.unit_id, owner_id: me?.user.id, description: '' };

  const submit = async (v: Values) => {
    const review = v.next_review_date ? v.next_review_date.format('YYYY-MM-DD') : null;
    try {
      if (!risk) {
        const body = { title: v.title.trim(), category: v.category, unit_id: v.unit_id, owner_id: v.owner_id ?? null, description: v.description ?? '', next_review_date: review };
        const assessment = v.likelihood && v.impact ? { likelihood: v.likelihood, impact: v.impact, kind: 'inherent' as const, note: '' } : undefined;
        const r = await create.mutateAsync({ body, assessment });
        feedback.ok(t('risk.created'));
        onSaved?.(r);
      } else {
        const all: RiskUpdate = {
          title: v.title.trim(), category: v.category, unit_id: v.unit_id, owner_id: v.owner_id ?? null, description: v.description ?? '',
          next_review_date: review, status: v.status, strategy: v.strategy ?? null, strategy_note: v.strategy_note ?? '',
        };
        const changes = changedFields(risk as unknown as Record<string, unknown>, all);
        if (Object.keys(changes).length === 0) { onClose(); return; }
        const r = await update.mutateAsync(changes);
        feedback.ok(t('risk.saved'));
        onSaved?.(r);
      }
      onClose();
    } catch (err) { feedback.fail(err, form); }
  };

  return (
    <Form form={form} name="riskForm" layout="vertical" initialValues={initial} onFinish={submit} requiredMark>
      {ownerOnly && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('risk.ownerOnlyHint')} />}
      <Form.Item name="title" label={t('risk.riskTitle')} rules={[{ required: true, whitespace: true, message: t('risk.titleRequired') }, { max: 200, message: t('risk.tooLong', { n: 200 }) }]}>
        <Input maxLength={200} disabled={locked('title')} />
      </Form.Item>
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item name="category" label={t('risk.category')} rules={[{ required: true, message: t('risk.categoryRequired') }]}>
            <Select disabled={locked('category')} options={CATEGORIES.map((c) => ({ value: c, label: t(`risk.categories.${c}`) }))} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="unit_id" label={t('risk.unit')} rules={[{ required: true, message: t('risk.unitRequired') }]}>
            {locked('unit_id') && risk
              ? <Select disabled options={[{ value: risk.unit_id, label: risk.unit_name ?? `#${risk.unit_id}` }]} />
              : <UnitSelect style={{ width: '100%', minWidth: 0 }} />}
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="owner_id" label={t('risk.owner')}>
            <UserSelect disabled={locked('owner_id')} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="description" label={t('risk.descriptionCauses')} rules={[{ max: 5000, message: t('risk.tooLong', { n: 5000 }) }]}>
        <Input.TextArea rows={3} maxLength={5000} placeholder={t('risk.descriptionHint')} />
      </Form.Item>
      {!risk && (
        <Space wrap align="start">
          <Form.Item name="likelihood" label={t('risk.likelihood')} tooltip={t('risk.firstAssessmentHint')}>
            <InputNumber min={1} max={5} precision={0} style={{ width: 110 }} />
          </Form.Item>
          <Form.Item name="impact" label={t('risk.impact')}>
            <InputNumber min={1} max={5} precision={0} style={{ width: 110 }} />
          </Form.Item>
          {preview && <Form.Item label={t('risk.preview')}><Space size={4}><span>{preview.score}</span><LevelTag level={preview.level} /></Space></Form.Item>}
          <Form.Item name="next_review_date" label={t('risk.nextReview')}><DatePicker /></Form.Item>
        </Space>
      )}
      {risk && (
        <>
          <Row gutter={12}>
            <Col span={8}>
              <Form.Item name="status" label={t('risk.status')}>
                <Select options={statusOptions(risk.status, !!risk.level).map((s) => ({ value: s, label: t(`risk.statuses.${s}`) }))} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="strategy" label={t('risk.strategy')}>
                <Select allowClear options={STRATEGIES.map((s) => ({ value: s, label: t(`risk.strategies.${s}`) }))} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="next_review_date" label={t('risk.nextReview')}><DatePicker style={{ width: '100%' }} /></Form.Item>
            </Col>
          </Row>
          <Form.Item name="strategy_note" label={t('risk.strategyNote')} rules={[{ max: 5000, message: t('risk.tooLong', { n: 5000 }) }]}>
            <Input.TextArea rows={2} maxLength={5000} />
          </Form.Item>
          {problem && <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t(problem)} />}
        </>
      )}
      <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
        <FormButtons onCancel={onClose} loading={create.isPending || update.isPending} />
      </Space>
    </Form>
  );
}
