/** 立项: a new special audit — title, topic, the audited units (the first one responds to the draft
 * report), the period covered, the team and the planned dates. The API requires assess over every
 * audited unit; the form says so before sending. */
import { DatePicker, Form, Input, Modal, Select, TreeSelect } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCreateAudit } from '../../../api/audits';
import { useUnitTree, useUsers } from '../../../api/org';
import type { UnitTree } from '../../../api/types';
import { useApiFeedback } from '../../../app/feedback';
import { canOver } from '../../../app/grants';
import { useSession } from '../../../app/session';
import { useUnitNames } from '../../../components/common';
import { useT } from '../../../i18n';

type Values = {
  title: string; topic?: string; unit_ids: number[]; period: [Dayjs, Dayjs]; planned: [Dayjs, Dayjs];
  leader: number; members?: number[];
};

type TreeOption = { value: number; title: string; children?: TreeOption[] };
const toOptions = (nodes: UnitTree[]): TreeOption[] =>
  nodes.map((n) => ({ value: n.id, title: n.name, children: n.children?.length ? toOptions(n.children) : undefined }));

export function AuditFormModal({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (id: number) => void }) {
  const { t } = useT();
  const { me } = useSession();
  const [form] = Form.useForm<Values>();
  const create = useCreateAudit();
  const feedback = useApiFeedback();
  const tree = useUnitTree();
  const units = useUnitNames();
  const users = useUsers();
  const people = (users.data?.items ?? []).map((u) => ({ value: u.id, label: u.display_name }));
  const nameOf = (id: number) => people.find((p) => p.value === id)?.label ?? `#${id}`;
  const d = (v: Dayjs) => v.format('YYYY-MM-DD');
  return (
    <Modal open={open} title={t('audits.newTitle')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: create.isPending }}
      destroyOnHidden width={640}>
      <Form form={form} layout="vertical" onFinish={async (v) => {
        try {
          const leader = { user_id: v.leader, name: nameOf(v.leader) };
          const out = await create.mutateAsync({
            title: v.title.trim(), topic: v.topic?.trim() ?? '', unit_ids: v.unit_ids,
            period_start: d(v.period[0]), period_end: d(v.period[1]), planned_start: d(v.planned[0]), planned_end: d(v.planned[1]),
            leader, members: (v.members ?? []).filter((id) => id !== v.leader).map((id) => ({ user_id: id, name: nameOf(id) })),
          });
          feedback.ok(t('audits.created'));
          form.resetFields();
          onCreated(out.id);
        } catch (err) { feedback.fail(err, form); }
      }}>
        <Form.Item name="title" label={t('audits.title')} rules={[{ required: true, whitespace: true, message: t('audits.required') }, { max: 200 }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="topic" label={t('audits.topic')}><Input.TextArea rows={2} maxLength={5000} /></Form.Item>
        <Form.Item name="unit_ids" label={t('audits.units')} extra={t('audits.unitsHint')}
          rules={[{ required: true, message: t('audits.required') }, {
            validator: async (_: unknown, ids?: number[]) => {
              const refused = (ids ?? []).filter((id) => !canOver(me?.grants, 'assess', units.get(id)?.path));
              if (refused.length) throw new Error(t('audits.needAssess', { units: refused.map((id) => units.get(id)?.name ?? id).join('、') }));
            },
          }]}>
          <TreeSelect multiple treeData={tree.data ? toOptions(tree.data) : []} treeDefaultExpandAll showSearch treeNodeFilterProp="title"
            placeholder={t('audits.chooseUnits')} aria-label={t('audits.units')} />
        </Form.Item>
        <Form.Item name="period" label={t('audits.period')} rules={[{ required: true, message: t('audits.required') }]}>
          <DatePicker.RangePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="planned" label={t('audits.planned')} rules={[{ required: true, message: t('audits.required') }]}>
          <DatePicker.RangePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="leader" label={t('audits.leader')} rules={[{ required: true, message: t('audits.required') }]}>
          <Select showSearch optionFilterProp="label" options={people} loading={users.isPending} aria-label={t('audits.leader')} />
        </Form.Item>
        <Form.Item name="members" label={t('audits.members')}>
          <Select mode="multiple" showSearch optionFilterProp="label" options={people} loading={users.isPending} aria-label={t('audits.members')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
