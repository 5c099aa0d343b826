/** Confirm a proposed reward or penalty as it is, change it (kind, type, amount) with a reason, or dismiss it
 * with a reason; the reason is required before sending, as the API requires it. */
import { useEffect } from 'react';
import { Alert, Descriptions, Form, Input, InputNumber, Modal, Radio, Select, Space, Tag } from 'antd';
import { useApiFeedback } from '../../../app/feedback';
import { useT } from '../../../i18n';
import { useConfirmSanction, useDismissSanction, type SanctionRead } from './hooks';
import { decisionRequest, fmtYuan, needsAmount, TYPES_OF, type DecisionValues, type SanctionKind } from './sanctionView';

export function DecisionModal({ line, subject, onClose }: { line: SanctionRead | undefined; subject: string; onClose: () => void }) {
  const { t } = useT();
  const feedback = useApiFeedback();
  const [form] = Form.useForm<DecisionValues>();
  const confirm = useConfirmSanction();
  const dismiss = useDismissSanction();
  const mode = Form.useWatch('mode', form) ?? 'confirm';
  const kind = (Form.useWatch('kind', form) ?? line?.kind ?? 'reward') as SanctionKind;
  const type = Form.useWatch('type', form) ?? line?.type;
  useEffect(() => {
    if (line) form.setFieldsValue({ mode: 'confirm', kind: line.kind as SanctionKind, type: line.type as DecisionValues['type'], amount: line.amount, reason: '' });
  }, [line, form]);
  if (!line) return null;
  const submit = async () => {
    const v = form.getFieldsValue(true) as DecisionValues;
    const req = decisionRequest(line, v);
    if ('problem' in req) {
      form.setFields([{ name: req.problem === 'reasonRequired' ? 'reason' : req.problem === 'amountRequired' ? 'amount' : 'type', errors: [t(`sanctions.${req.problem}`)] }]);
      return;
    }
    try {
      if (req.action === 'dismiss') await dismiss.mutateAsync({ line, reason: req.body.reason });
      else await confirm.mutateAsync({ line, body: req.body });
      feedback.ok(t(req.action === 'dismiss' ? 'sanctions.dismissed' : 'sanctions.confirmed'));
      onClose();
    } catch (err) { feedback.fail(err, form); }
  };
  return (
    <Modal open title={t('sanctions.decisionTitle')} onCancel={onClose} onOk={() => void submit()} destroyOnHidden
      okText={mode === 'dismiss' ? t('sanctions.dismiss') : t('sanctions.confirm')} okButtonProps={{ danger: mode === 'dismiss', loading: confirm.isPending || dismiss.isPending }}>
      <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('sanctions.subject')}>{subject}（{line.unit_name}）</Descriptions.Item>
        <Descriptions.Item label={t('sanctions.kindType')}>
          <Tag color={line.kind === 'reward' ? 'green' : 'red'}>{t(`sanctions.kinds.${line.kind}`)}·{t(`kpi.outcomeTypes.${line.type}`)}</Tag>{fmtYuan(line.amount)}
        </Descriptions.Item>
        <Descriptions.Item label={t('sanctions.basis')}>{line.basis}{line.note ? `（${line.note}）` : ''}</Descriptions.Item>
      </Descriptions>
      <Form form={form} layout="vertical">
        <Form.Item name="mode">
          <Radio.Group optionType="button" options={(['confirm', 'change', 'dismiss'] as const).map((m) => ({ value: m, label: t(`sanctions.modes.${m}`) }))} />
        </Form.Item>
        {mode === 'change' && (
          <Space wrap align="start">
            <Form.Item name="kind" label={t('sanctions.kindType')}>
              <Select style={{ width: 100 }} onChange={(k: SanctionKind) => form.setFieldsValue({ type: TYPES_OF[k][0] })}
                options={(['reward', 'penalty'] as const).map((k) => ({ value: k, label: t(`sanctions.kinds.${k}`) }))} />
            </Form.Item>
            <Form.Item name="type" label=" ">
              <Select style={{ width: 110 }} aria-label={t('sanctions.kindType')} options={TYPES_OF[kind].map((ty) => ({ value: ty, label: t(`kpi.outcomeTypes.${ty}`) }))} />
            </Form.Item>
            {needsAmount(type) && (
              <Form.Item name="amount" label={t('sanctions.amount')}>
                <InputNumber min={0} max={10_000_000} style={{ width: 140 }} suffix="元" aria-label={t('sanctions.amount')} />
              </Form.Item>
            )}
          </Space>
        )}
        {mode !== 'confirm' && (
          <Form.Item name="reason" label={t('sanctions.reason')} required>
            <Input.TextArea rows={3} maxLength={2000} aria-label={t('sanctions.reason')} />
          </Form.Item>
        )}
        {mode === 'confirm' && <Alert type="info" showIcon message={t('sanctions.proposedWas', { text: `${t(`kpi.outcomeTypes.${line.type}`)} ${fmtYuan(line.amount)}` })} />}
      </Form>
    </Modal>
  );
}
