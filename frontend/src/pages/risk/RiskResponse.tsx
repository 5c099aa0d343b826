/** The response side of a risk: its contingency plan (预案) edited and activated, the acceptance sign-off. */
import { Alert, Button, Col, DatePicker, Form, Input, InputNumber, Modal, Row, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useActivateContingency, useSignAcceptance, useUpdateRisk, type ContingencyPlan } from '../../api/risk';
import type { RiskRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';
import { FormButtons, UserSelect } from './parts';
import { linesToList, SEVERE } from './riskRules';

type PlanValues = { trigger: string; owner_id: number; fallback?: string; steps: { title: string; due_in_days: number; owner_id?: number | null }[] };

export function ContingencyModal({ risk, open, onClose }: { risk: RiskRead; open: boolean; onClose: () => void }) {
  const { t } = useT();
  const feedback = useApiFeedback();
  const update = useUpdateRisk(risk.id);
  const [form] = Form.useForm<PlanValues>();
  const plan = risk.contingency_plan;
  const initial: Partial<PlanValues> = plan
    ? { trigger: plan.trigger, owner_id: plan.owner_id, fallback: (plan.fallback_resources ?? []).join('\n'),
        steps: plan.steps.map((s) => ({ title: s.title, due_in_days: s.due_in_days, owner_id: s.owner_id ?? null })) }
    : { owner_id: risk.owner_id ?? undefined, steps: [{ title: '', due_in_days: 1, owner_id: null }] };
  return (
    <Modal open={open} title={t('risk.editContingency')} onCancel={onClose} footer={null} width={760} destroyOnHidden>
      <Form form={form} name="riskContingency" layout="vertical" initialValues={initial} onFinish={async (v) => {
        const body: ContingencyPlan = {
          trigger: v.trigger.trim(), owner_id: v.owner_id, fallback_resources: linesToList(v.fallback),
          steps: (v.steps ?? []).map((s) => ({ title: s.title.trim(), due_in_days: s.due_in_days ?? 1, owner_id: s.owner_id ?? null })),
        };
        try {
          await update.mutateAsync({ contingency_plan: body });
          feedback.ok(t('risk.contingencySaved'));
          onClose();
        } catch (err) { feedback.fail(err, form); }
      }}>
        <Form.Item name="trigger" label={t('risk.trigger')} rules={[{ required: true, whitespace: true, message: t('risk.triggerRequired') }, { max: 1000, message: t('risk.tooLong', { n: 1000 }) }]}>
          <Input.TextArea rows={2} maxLength={1000} placeholder={t('risk.triggerHint')} />
        </Form.Item>
        <Row gutter={12}>
          <Col span={10}>
            <Form.Item name="owner_id" label={t('risk.planOwner')} rules={[{ required: true, message: t('risk.planOwnerRequired') }]}>
              <UserSelect allowClear={false} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={14}>
            <Form.Item name="fallback" label={t('risk.fallback')} extra={t('risk.onePerLine')}
              rules={[{ validator: (_, v: string | undefined) => (linesToList(v).length > 50 ? Promise.reject(new Error(t('risk.tooMany', { n: 50 }))) : Promise.resolve()) }]}>
              <Input.TextArea rows={2} />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Text strong>{t('risk.steps')}</Typography.Text>
        <Form.List name="steps" rules={[{ validator: (_, v: unknown[] | undefined) => (v && v.length > 0 ? Promise.resolve() : Promise.reject(new Error(t('risk.stepsRequired')))) }]}>
          {(fields, { add, remove }, { errors }) => (
            <div style={{ marginTop: 8 }}>
              {fields.map((f, idx) => (
                <Space key={f.key} align="start" style={{ display: 'flex' }} wrap={false}>
                  <span style={{ lineHeight: '32px', width: 20 }}>{idx + 1}.</span>
                  <Form.Item name={[f.name, 'title']} rules={[{ required: true, whitespace: true, message: t('risk.stepTitleRequired') }, { max: 300, message: t('risk.tooLong', { n: 300 }) }]} style={{ width: 330 }}>
                    <Input maxLength={300} placeholder={t('risk.stepTitle')} aria-label={t('risk.stepTitle')} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'due_in_days']} rules={[{ required: true, message: t('risk.dueDaysRequired') }]}>
                    <InputNumber min={0} max={365} precision={0} addonAfter={t('risk.days')} style={{ width: 120 }} aria-label={t('risk.dueInDaysLabel')} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'owner_id']}>
                    <UserSelect style={{ width: 150 }} />
                  </Form.Item>
                  <Button type="text" icon={<DeleteOutlined />} aria-label={t('common.remove')} disabled={fields.length <= 1} onClick={() => remove(f.name)} />
                </Space>
              ))}
              <Form.ErrorList errors={errors} />
              <Button type="dashed" icon={<PlusOutlined />} disabled={fields.length >= 50} onClick={() => add({ title: '', due_in_days: 1, owner_id: null })} style={{ marginBottom: 12 }}>
                {t('risk.addStep')}
              </Button>
            </div>
          )}
        </Form.List>
        <FormButtons onCancel={onClose} loading={update.isPending} />
      </Form>
    </Modal>
  );
}

export function ActivateModal({ risk, open, onClose }: { risk: RiskRead; open: boolean; onClose: () => void }) {
  const { t } = useT();
  const feedback = useApiFeedback();
  const activate = useActivateContingency(risk.id);
  const [form] = Form.useForm<{ reason?: string }>();
  const steps = risk.contingency_plan?.steps ?? [];
  return (
    <Modal open={open} title={t('risk.activateTitle', { title: risk.title })} onCancel={onClose} footer={null} destroyOnHidden>
      <Form form={form} name="riskActivate" layout="vertical" onFinish={async (v) => {
        try {
          const actions = await activate.mutateAsync({ reason: v.reason ?? '' });
          feedback.ok(t('risk.activated', { n: actions.length }));
          onClose();
        } catch (err) { feedback.fail(err, form); }
      }}>
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('risk.activateHint', { n: steps.length })} />
        <ol style={{ paddingInlineStart: 20 }}>{steps.map((s, i) => <li key={i}>{s.title}</li>)}</ol>
        <Form.Item name="reason" label={t('risk.activateReason')} rules={[{ max: 2000, message: t('risk.tooLong', { n: 2000 }) }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <FormButtons onCancel={onClose} loading={activate.isPending} okText={t('risk.activate')} />
      </Form>
    </Modal>
  );
}

export function AcceptanceModal({ risk, open, onClose }: { risk: RiskRead; open: boolean; onClose: () => void }) {
  const { t } = useT();
  const feedback = useApiFeedback();
  const sign = useSignAcceptance(risk.id);
  const [form] = Form.useForm<{ expires_on: Dayjs; note?: string }>();
  const severe = !!risk.level && SEVERE.includes(risk.level);
  return (
    <Modal open={open} title={t('risk.signTitle', { title: risk.title })} onCancel={onClose} footer={null} destroyOnHidden>
      <Form form={form} name="riskAccept" layout="vertical" initialValues={{ expires_on: dayjs().add(3, 'month') }} onFinish={async (v) => {
        try {
          await sign.mutateAsync({ expires_on: v.expires_on.format('YYYY-MM-DD'), note: v.note ?? '' });
          feedback.ok(t('risk.signed'));
          onClose();
        } catch (err) { feedback.fail(err, form); }
      }}>
        <Alert type="info" showIcon style={{ marginBottom: 12 }} message={severe ? t('risk.signHintSevere', { level: t(`risk.levels.${risk.level}`) }) : t('risk.signHint')} />
        <Form.Item name="expires_on" label={t('risk.expiresOn')} rules={[
          { required: true, message: t('risk.expiresRequired') },
          { validator: (_, v: Dayjs | undefined) => (!v || v.isAfter(dayjs(), 'day') ? Promise.resolve() : Promise.reject(new Error(t('risk.expiresFuture')))) },
        ]}>
          <DatePicker disabledDate={(d) => !d.isAfter(dayjs(), 'day')} />
        </Form.Item>
        <Form.Item name="note" label={t('risk.signNote')} rules={[{ max: 5000, message: t('risk.tooLong', { n: 5000 }) }]}>
          <Input.TextArea rows={2} maxLength={5000} />
        </Form.Item>
        <FormButtons onCancel={onClose} loading={sign.isPending} okText={t('risk.sign')} />
      </Form>
    </Modal>
  );
}
