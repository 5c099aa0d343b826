/** 立项: start a process optimisation project by hand, or from a finding (holders of plan over the unit). */
import { useEffect } from 'react';
import { Form, Input, InputNumber, Modal, Select } from 'antd';
import { useCreateProject } from '../../../api/improvement';
import { useUsers } from '../../../api/org';
import type { ProjectRead } from '../../../api/types';
import { useApiFeedback } from '../../../app/feedback';
import { useSession } from '../../../app/session';
import { UnitSelect, unitRightRule, useUnitNames } from '../../../components/common';
import { useT } from '../../../i18n';
import { linesToLinks } from './stages';

export type NewProjectPrefill = { unit_id?: number; finding_id?: number; finding_title?: string; title?: string };

type Values = {
  unit_id: number; title: string; description?: string; owner_id?: number; finding_id?: number; finding_title?: string; links?: string;
};

export function NewProjectModal({ prefill, onClose, onCreated }: {
  prefill: NewProjectPrefill | null; onClose: () => void; onCreated: (p: ProjectRead) => void;
}) {
  const { t } = useT();
  const [form] = Form.useForm<Values>();
  const create = useCreateProject();
  const feedback = useApiFeedback();
  const users = useUsers();
  const units = useUnitNames();
  const { me } = useSession();
  useEffect(() => {
    if (prefill) {
      form.resetFields();
      form.setFieldsValue(prefill);
    }
  }, [prefill, form]);
  return (
    <Modal open={prefill !== null} title={t('improvement.newProject')} onCancel={onClose} okButtonProps={{ loading: create.isPending }}
      destroyOnClose onOk={async () => {
        const v = await form.validateFields();
        const owner = (users.data?.items ?? []).find((u) => u.id === v.owner_id);
        try {
          const p = await create.mutateAsync({
            unit_id: v.unit_id, title: v.title.trim(), description: v.description ?? '', owner_id: v.owner_id ?? null,
            owner_name: owner?.display_name ?? '', finding_id: v.finding_id ?? null, finding_title: v.finding_title ?? '',
            links: linesToLinks(v.links),
          });
          onClose();
          onCreated(p);
        } catch (err) {
          feedback.fail(err, form);
        }
      }}>
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item name="unit_id" label={t('improvement.form.unit')} rules={[{ required: true },
          unitRightRule(me?.grants, units, 'plan', t('improvement.form.needPlan'))]}>
          <UnitSelect />
        </Form.Item>
        <Form.Item name="title" label={t('improvement.form.title')} rules={[{ required: true, whitespace: true, max: 300 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="description" label={t('improvement.form.description')}>
          <Input.TextArea rows={3} maxLength={20000} />
        </Form.Item>
        <Form.Item name="owner_id" label={t('improvement.form.owner')} extra={t('improvement.form.ownerHelp')}>
          <Select allowClear showSearch optionFilterProp="label" loading={users.isPending}
            options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.display_name }))} />
        </Form.Item>
        <Form.Item name="finding_id" label={t('improvement.form.findingId')} extra={t('improvement.form.findingHelp')}>
          <InputNumber min={1} precision={0} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item noStyle shouldUpdate={(a, b) => a.finding_id !== b.finding_id}>
          {() => form.getFieldValue('finding_id') ? (
            <Form.Item name="finding_title" label={t('improvement.form.findingTitle')}><Input maxLength={300} /></Form.Item>
          ) : null}
        </Form.Item>
        <Form.Item name="links" label={t('improvement.form.links')} extra={t('improvement.form.linksHelp')}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
