import { useState } from 'react';
import { Button, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useBudgetItems, useCreateBudgetItem, useUpdateBudgetItem, type BudgetItemRead } from '../../../api/budgets';
import { useApiFeedback } from '../../../app/feedback';
import { useSession } from '../../../app/session';
import { QueryState } from '../../../components/common';
import { useT } from '../../../i18n';

type ItemForm = { code: string; name: string; name_en?: string; parent_code?: string | null; sort?: number };

/** The company's chart of budget items: everyone reads it, the company admin changes it. */
export default function BudgetItemsTab() {
  const { t } = useT();
  const { access } = useSession();
  const feedback = useApiFeedback();
  const items = useBudgetItems();
  const create = useCreateBudgetItem();
  const update = useUpdateBudgetItem();
  const [editing, setEditing] = useState<BudgetItemRead | 'new' | null>(null);
  const [form] = Form.useForm<ItemForm>();
  const admin = access.rights.has('admin');
  const list = items.data ?? [];
  const names = new Map(list.map((i) => [i.code, i.name]));
  const open = (item: BudgetItemRead | 'new') => {
    setEditing(item);
    form.setFieldsValue(item === 'new' ? { code: '', name: '', name_en: '', parent_code: null, sort: (list.length + 1) * 10 }
      : { code: item.code, name: item.name, name_en: item.name_en, parent_code: item.parent_code, sort: item.sort });
  };
  const save = async () => {
    const v = await form.validateFields();
    try {
      if (editing === 'new') {
        await create.mutateAsync({ code: v.code.trim(), name: v.name.trim(), name_en: v.name_en ?? '', parent_code: v.parent_code ?? null, sort: v.sort ?? 0 });
      } else if (editing) {
        await update.mutateAsync({ code: editing.code, body: { name: v.name.trim(), name_en: v.name_en ?? '', parent_code: v.parent_code ?? null, sort: v.sort ?? 0 } });
      }
      feedback.ok(t('budgets.saved'));
      setEditing(null);
    } catch (err) {
      feedback.fail(err, form);
    }
  };
  const toggle = async (item: BudgetItemRead, active: boolean) => {
    try {
      await update.mutateAsync({ code: item.code, body: { active } });
    } catch (err) {
      feedback.fail(err);
    }
  };
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Text type="secondary">{t(admin ? 'budgets.itemsHelpAdmin' : 'budgets.itemsHelp')}</Typography.Text>
        {admin && <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>{t('budgets.addItem')}</Button>}
      </Space>
      <QueryState loading={items.isPending} error={items.error}>
        <Table<BudgetItemRead> size="small" rowKey="code" dataSource={list} pagination={false} scroll={{ x: 560 }} data-testid="budget-items"
          columns={[
            { title: t('budgets.itemName'), dataIndex: 'name' },
            { title: t('budgets.itemCode'), dataIndex: 'code', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
            { title: t('budgets.parent'), dataIndex: 'parent_code', render: (v: string | null) => (v ? names.get(v) ?? v : '—') },
            { title: t('budgets.active'), dataIndex: 'active', render: (v: boolean, r) => (admin && r.code !== 'other'
              ? <Switch size="small" checked={v} aria-label={t('budgets.active')} onChange={(on) => void toggle(r, on)} />
              : <Tag color={v ? 'green' : 'default'}>{t(v ? 'budgets.activeYes' : 'budgets.activeNo')}</Tag>) },
            ...(admin ? [{ title: '', key: 'edit', width: 60, render: (_: unknown, r: BudgetItemRead) => (
              <Button size="small" aria-label={t('common.edit')} icon={<EditOutlined />} onClick={() => open(r)} />) }] : []),
          ]} />
      </QueryState>
      <Modal open={editing !== null} title={t(editing === 'new' ? 'budgets.addItem' : 'budgets.editItem')} onCancel={() => setEditing(null)}
        onOk={() => void save()} confirmLoading={create.isPending || update.isPending} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Form.Item name="code" label={t('budgets.itemCode')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]*$/, message: t('budgets.codeRule') }]}>
            <Input disabled={editing !== 'new'} maxLength={40} />
          </Form.Item>
          <Form.Item name="name" label={t('budgets.itemName')} rules={[{ required: true, whitespace: true, message: t('budgets.nameRequired') }]}><Input maxLength={100} /></Form.Item>
          <Form.Item name="name_en" label={t('budgets.itemNameEn')}><Input maxLength={100} /></Form.Item>
          <Form.Item name="parent_code" label={t('budgets.parent')}>
            <Select allowClear options={list.filter((i) => editing === 'new' || i.code !== editing?.code).map((i) => ({ value: i.code, label: i.name }))} />
          </Form.Item>
          <Form.Item name="sort" label={t('budgets.sort')}><InputNumber min={0} max={10000} /></Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
