/** 创新奖励: a special reward for innovation by a holder of assess over the unit, with a reason, optionally
 * for an adopted improvement proposal. */
import { Form, Input, InputNumber, Modal, Select, Typography } from 'antd';
import { useUnitPeople, useUnitTree } from '../../../api/org';
import { useApiFeedback } from '../../../app/feedback';
import { useSession } from '../../../app/session';
import { flattenTree, UnitSelect, unitRightRule } from '../../../components/common';
import { useT } from '../../../i18n';
import { isPeriod } from '../period';
import { useGrantInnovation } from './hooks';
import { needsAmount } from './sanctionView';

type Values = { unit_id?: number; person_id?: number; type: 'bonus' | 'certificate' | 'promotion'; amount?: number; reason?: string; proposal_id?: number; period?: string };

export function InnovationModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useT();
  const feedback = useApiFeedback();
  const { me } = useSession();
  const [form] = Form.useForm<Values>();
  const unitId = Form.useWatch('unit_id', form);
  const type = Form.useWatch('type', form) ?? 'bonus';
  const people = useUnitPeople(unitId);
  const tree = useUnitTree();
  const units = flattenTree(tree.data ?? []);
  const grant = useGrantInnovation();
  const submit = async (v: Values) => {
    const person = people.data?.items.find((u) => u.id === v.person_id);
    try {
      await grant.mutateAsync({
        unit_id: v.unit_id as number, person_id: v.person_id ?? null, person_name: person?.display_name ?? '', type: v.type,
        amount: needsAmount(v.type) ? v.amount ?? null : null, reason: (v.reason ?? '').trim(), proposal_id: v.proposal_id ?? null,
        period: v.period?.trim() || null,
      });
      feedback.ok(t('sanctions.granted'));
      form.resetFields();
      onClose();
    } catch (err) { feedback.fail(err, form); }
  };
  return (
    <Modal open={open} title={t('sanctions.innovationTitle')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: grant.isPending }} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('sanctions.innovationHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ type: 'bonus' }} onFinish={(v) => void submit(v)}>
        <Form.Item name="unit_id" label={t('sanctions.unit')} rules={[{ required: true, message: t('sanctions.unitRequired') }, unitRightRule(me?.grants, units, 'assess', t('kpi.noAssessRight'))]}>
          <UnitSelect />
        </Form.Item>
        <Form.Item name="person_id" label={t('sanctions.person')} rules={[{ required: true, message: t('sanctions.personRequired') }]}>
          <Select showSearch optionFilterProp="label" loading={people.isFetching} disabled={unitId === undefined}
            options={(people.data?.items ?? []).map((u) => ({ value: u.id, label: u.display_name }))} />
        </Form.Item>
        <Form.Item name="type" label={t('sanctions.kindType')}>
          <Select options={(['bonus', 'certificate', 'promotion'] as const).map((ty) => ({ value: ty, label: t(`kpi.outcomeTypes.${ty}`) }))} />
        </Form.Item>
        {needsAmount(type) && (
          <Form.Item name="amount" label={t('sanctions.amount')} rules={[{ required: true, message: t('sanctions.amountRequired') }]}>
            <InputNumber min={1} max={10_000_000} suffix="元" style={{ width: 160 }} />
          </Form.Item>
        )}
        <Form.Item name="reason" label={t('sanctions.reason')} rules={[{ required: true, whitespace: true, message: t('sanctions.reasonRequired') }, { max: 2000 }]}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item name="proposal_id" label={t('sanctions.proposalId')}>
          <InputNumber min={1} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="period" label={t('sanctions.period')} rules={[{ validator: async (_, v?: string) => { if (v && !isPeriod(v)) throw new Error(t('kpi.periodFormat')); } }]}>
          <Input placeholder="2026-12" style={{ width: 160 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
