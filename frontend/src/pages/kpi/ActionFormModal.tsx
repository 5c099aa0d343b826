/** Raise an improvement action (改进措施) or change one: from the actions list, from an evaluation
 * on the dashboard, or from an assessment. Field limits follow services/kpi/schemas.ActionCreate. */
import { useEffect } from 'react';
import { DatePicker, Form, Input, Modal, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCreateKpiAction, useUpdateKpiAction, type KpiActionCreate } from '../../api/kpi';
import { useUsers } from '../../api/org';
import type { ImprovementActionRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { UnitSelect, unitRightRule, useUnitNames } from '../../components/common';
import { useIndicatorOptions } from '../../components/Indicator';
import { useT } from '../../i18n';
import { isPeriod } from './period';

export const RAISE_RIGHTS = ['plan', 'assess'] as const;

type Values = { title: string; description?: string; unit_id?: number; indicator_code?: string; period?: string; owner_id?: number; due?: Dayjs };

export type ActionSeed = Partial<Pick<KpiActionCreate, 'title' | 'description' | 'unit_id' | 'indicator_code' | 'period' | 'origin' | 'origin_ref'>>;

export function ActionFormModal({ open, seed, editing, onClose, onSaved }: {
  open: boolean;
  /** new action: what the place it was raised from already knows */
  seed?: ActionSeed;
  /** an existing action to change (title, description, owner, deadline) */
  editing?: ImprovementActionRead | null;
  onClose: () => void;
  onSaved?: (a: ImprovementActionRead) => void;
}) {
  const { t } = useT();
  const { me } = useSession();
  const [form] = Form.useForm<Values>();
  const create = useCreateKpiAction();
  const update = useUpdateKpiAction();
  const feedback = useApiFeedback();
  const users = useUsers();
  const indicators = useIndicatorOptions();
  const units = useUnitNames();
  const grants = me?.grants;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (editing) {
      form.setFieldsValue({ title: editing.title, description: editing.description, owner_id: editing.owner_id ?? undefined, due: dayjs(editing.due) });
    } else {
      form.setFieldsValue({ title: seed?.title, description: seed?.description ?? '', unit_id: seed?.unit_id, indicator_code: seed?.indicator_code ?? undefined, period: seed?.period ?? undefined, due: dayjs().add(14, 'day') });
    }
  }, [open, editing, seed, form]);

  const userOptions = (users.data?.items ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: u.display_name }));

  const submit = async (v: Values) => {
    const owner = users.data?.items.find((u) => u.id === v.owner_id);
    const due = (v.due as Dayjs).format('YYYY-MM-DD');
    try {
      const saved = editing
        ? await update.mutateAsync({ action: editing, body: { title: v.title.trim(), description: v.description ?? '', owner_id: v.owner_id ?? null, owner_name: owner?.display_name ?? '', due } })
        : await create.mutateAsync({
          title: v.title.trim(), description: v.description ?? '', unit_id: v.unit_id as number, indicator_code: v.indicator_code || null,
          period: v.period?.trim() || null, origin: seed?.origin ?? 'manual', origin_ref: seed?.origin_ref ?? null,
          owner_id: v.owner_id ?? null, owner_name: owner?.display_name ?? '', due,
        });
      feedback.ok(editing ? t('kpi.actionSaved') : t('kpi.actionRaised'));
      onSaved?.(saved);
      onClose();
    } catch (err) {
      feedback.fail(err, form);
    }
  };

  return (
    <Modal open={open} title={editing ? t('kpi.editActionTitle') : t('kpi.newActionTitle')} onCancel={onClose} onOk={() => form.submit()}
      okButtonProps={{ loading: create.isPending || update.isPending }} destroyOnHidden width={560}>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark>
        <Form.Item name="title" label={t('kpi.actionTitle')} rules={[{ required: true, whitespace: true, message: t('kpi.titleRequired') }, { max: 200, message: t('kpi.tooLong', { n: 200 }) }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="description" label={t('kpi.description')} rules={[{ max: 5000, message: t('kpi.tooLong', { n: 5000 }) }]}>
          <Input.TextArea rows={3} maxLength={5000} />
        </Form.Item>
        {!editing && (
          <>
            <Form.Item name="unit_id" label={t('common.unit')} rules={[
              { required: true, message: t('common.chooseUnit') },
              unitRightRule(grants, units, RAISE_RIGHTS, t('kpi.noRaiseRight')),
            ]}>
              <UnitSelect />
            </Form.Item>
            <Form.Item name="indicator_code" label={t('kpi.indicator')}>
              <Select allowClear showSearch optionFilterProp="label" options={indicators.options} loading={indicators.loading} />
            </Form.Item>
            <Form.Item name="period" label={t('kpi.period')} rules={[{ validator: async (_, p?: string) => { if (p && !isPeriod(p)) throw new Error(t('kpi.periodFormat')); } }]}>
              <Input placeholder="2026-10" />
            </Form.Item>
          </>
        )}
        <Form.Item name="owner_id" label={t('kpi.owner')}>
          <Select allowClear showSearch optionFilterProp="label" options={userOptions} loading={users.isPending} />
        </Form.Item>
        <Form.Item name="due" label={t('kpi.due')} rules={[{ required: true, message: t('kpi.dueRequired') }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
