/** 检查表: checklist templates. Holders of guide (指导权) over a template's owning unit create, edit and retire it;
 * an edit of a template inspections used is saved as its next revision (inspections keep their items). */
import { useState } from 'react';
import { Button, Card, Col, Drawer, Form, Input, InputNumber, Popconfirm, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  useCreateTemplate, useInspectionTemplates, useRetireTemplate, useUpdateTemplate, type ChecklistItem, type TemplateCreate, type TemplateRead,
} from '../../../api/inspections';
import { canOver } from '../../../app/grants';
import { useApiFeedback } from '../../../app/feedback';
import { useSession } from '../../../app/session';
import { ErrorAlert, UnitSelect, unitRightRule, useUnitNames } from '../../../components/common';
import { useT } from '../../../i18n';
import { nextKey } from './inspectionView';

const KINDS = ['company', 'branch', 'department', 'section', 'team'];
type UnitKind = NonNullable<TemplateCreate['unit_kind']>;
type EditorForm = { name: string; description?: string; unit_kind?: UnitKind | null; unit_id: number; items: ChecklistItem[] };

function Editor({ template, open, onClose }: { template: TemplateRead | null; open: boolean; onClose: () => void }) {
  const { t } = useT();
  const { me } = useSession();
  const units = useUnitNames();
  const [form] = Form.useForm<EditorForm>();
  const create = useCreateTemplate();
  const update = useUpdateTemplate();
  const feedback = useApiFeedback();
  const initial: Partial<EditorForm> = template
    ? { name: template.name, description: template.description, unit_kind: template.unit_kind as UnitKind | null, unit_id: template.unit_id, items: template.items }
    : { unit_kind: null, items: [{ key: 'item1', text: '', criterion: '', weight: 1, kind: 'pass_fail', severity: 'minor' }] };
  return (
    <Drawer open={open} onClose={onClose} width={Math.min(760, typeof window === 'undefined' ? 760 : window.innerWidth)} destroyOnHidden
      title={template ? t('inspections.editTemplate') : t('inspections.newTemplate')}
      extra={<Button type="primary" loading={create.isPending || update.isPending} onClick={() => form.submit()}>{t('common.save')}</Button>}>
      <Form form={form} layout="vertical" initialValues={initial} onFinish={async (v) => {
        const items = v.items.map((i) => ({
          ...i, criterion: i.criterion ?? '', weight: i.weight ?? 1,
          max_score: i.kind === 'score' ? i.max_score : null, pass_score: i.kind === 'score' ? i.pass_score ?? null : null,
        }));
        try {
          if (template) {
            const out = await update.mutateAsync({ template, body: { name: v.name, description: v.description ?? '', unit_kind: v.unit_kind ?? null, items } });
            feedback.ok(out.id !== template.id ? t('inspections.revised', { n: out.revision }) : t('inspections.templateSaved'));
          } else {
            await create.mutateAsync({ name: v.name, description: v.description ?? '', unit_kind: v.unit_kind ?? null, unit_id: v.unit_id, items });
            feedback.ok(t('inspections.templateSaved'));
          }
          onClose();
        } catch (err) { feedback.fail(err, form); }
      }}>
        <Form.Item name="name" label={t('inspections.templateName')} rules={[{ required: true, whitespace: true, message: t('inspections.required') }]}><Input maxLength={200} /></Form.Item>
        <Form.Item name="description" label={t('inspections.description')}><Input.TextArea rows={2} /></Form.Item>
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="unit_kind" label={t('inspections.unitKind')}>
              <Select options={[{ value: null, label: t('inspections.anyKind') }, ...KINDS.map((k) => ({ value: k, label: t(`inspections.unitKinds.${k}`) }))]} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            {template ? (
              <Form.Item label={t('inspections.owningUnit')} extra={t('inspections.owningUnitHint')}><Input disabled value={template.unit_name} /></Form.Item>
            ) : (
              <Form.Item name="unit_id" label={t('inspections.owningUnit')} extra={t('inspections.owningUnitHint')}
                rules={[{ required: true, message: t('inspections.required') }, unitRightRule(me?.grants, units, 'guide', t('inspections.needGuide'))]}>
                <UnitSelect />
              </Form.Item>
            )}
          </Col>
        </Row>
        <Typography.Title level={5}>{t('inspections.items')}</Typography.Title>
        <Form.List name="items">
          {(fields, { add, remove }) => (
            <Space direction="vertical" style={{ width: '100%' }}>
              {fields.map((field, n) => (
                <Card key={field.key} size="small" title={`${n + 1}`} extra={fields.length > 1 && <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label="remove" />}>
                  <Row gutter={8}>
                    <Col xs={8} sm={5}><Form.Item name={[field.name, 'key']} label={t('inspections.itemKey')} rules={[{ required: true, pattern: /^[A-Za-z0-9_.-]+$/, message: 'a-z 0-9 _ . -' }]}><Input maxLength={40} /></Form.Item></Col>
                    <Col xs={16} sm={19}><Form.Item name={[field.name, 'text']} label={t('inspections.itemText')} rules={[{ required: true, whitespace: true, message: t('inspections.required') }]}><Input maxLength={500} /></Form.Item></Col>
                    <Col xs={24}><Form.Item name={[field.name, 'criterion']} label={t('inspections.criterion')}><Input maxLength={2000} /></Form.Item></Col>
                    <Col xs={8} sm={4}><Form.Item name={[field.name, 'weight']} label={t('inspections.weight')}><InputNumber min={0.1} max={1000} style={{ width: '100%' }} /></Form.Item></Col>
                    <Col xs={16} sm={6}><Form.Item name={[field.name, 'kind']} label={t('inspections.kind')}>
                      <Select options={['pass_fail', 'score'].map((k) => ({ value: k, label: t(`inspections.kinds.${k}`) }))} />
                    </Form.Item></Col>
                    <Form.Item noStyle shouldUpdate>
                      {() => form.getFieldValue(['items', field.name, 'kind']) === 'score' && (
                        <>
                          <Col xs={12} sm={4}><Form.Item name={[field.name, 'max_score']} label={t('inspections.maxScore')} rules={[{ required: true, message: t('inspections.required') }]}><InputNumber min={1} max={1000} style={{ width: '100%' }} /></Form.Item></Col>
                          <Col xs={12} sm={4}><Form.Item name={[field.name, 'pass_score']} label={t('inspections.passScore')} tooltip={t('inspections.passScoreHint')}><InputNumber min={0} max={1000} style={{ width: '100%' }} /></Form.Item></Col>
                        </>
                      )}
                    </Form.Item>
                    <Col xs={24} sm={6}><Form.Item name={[field.name, 'severity']} label={t('inspections.severity')}>
                      <Select options={['minor', 'major', 'critical'].map((s) => ({ value: s, label: t(`inspections.severities.${s}`) }))} />
                    </Form.Item></Col>
                  </Row>
                </Card>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => {
                const taken = (form.getFieldValue('items') as ChecklistItem[] | undefined ?? []).map((i) => i?.key).filter(Boolean);
                add({ key: nextKey(taken), text: '', criterion: '', weight: 1, kind: 'pass_fail', severity: 'minor' });
              }}>{t('inspections.addItem')}</Button>
            </Space>
          )}
        </Form.List>
      </Form>
    </Drawer>
  );
}

export default function TemplatesPage() {
  const { t } = useT();
  const { me, access } = useSession();
  const [status, setStatus] = useState<string>('active');
  const list = useInspectionTemplates({ status });
  const retire = useRetireTemplate();
  const feedback = useApiFeedback();
  const [editing, setEditing] = useState<TemplateRead | null>(null);
  const [open, setOpen] = useState(false);
  const canGuide = (x: TemplateRead) => x.status === 'active' && canOver(me?.grants, 'guide', x.unit_path);
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('inspections.templatesTitle')}</Typography.Title>
        <Space wrap>
          <Select value={status} onChange={setStatus} style={{ width: 110 }} aria-label={t('inspections.status')}
            options={['active', 'superseded', 'retired'].map((v) => ({ value: v, label: t(`inspections.templateStatuses.${v}`) }))} />
          {access.rights.has('guide') && <Button type="primary" icon={<PlusOutlined />} onClick={() => { setEditing(null); setOpen(true); }}>{t('inspections.newTemplate')}</Button>}
        </Space>
      </Space>
      <ErrorAlert error={list.error} />
      <Table<TemplateRead> size="small" rowKey="id" loading={list.isPending} dataSource={list.data?.items ?? []} pagination={false} scroll={{ x: 760 }}
        locale={{ emptyText: t('inspections.noTemplates') }}
        expandable={{ expandedRowRender: (x) => (
          <Table<ChecklistItem> size="small" rowKey="key" dataSource={x.items} pagination={false} columns={[
            { title: t('inspections.itemText'), dataIndex: 'text' },
            { title: t('inspections.criterion'), dataIndex: 'criterion' },
            { title: t('inspections.weight'), dataIndex: 'weight', width: 60 },
            { title: t('inspections.kind'), dataIndex: 'kind', width: 120, render: (k: string, i) => (k === 'score' ? `${t('inspections.kinds.score')} ${i.pass_score ?? '60%'}/${i.max_score}` : t('inspections.kinds.pass_fail')) },
            { title: t('inspections.severity'), dataIndex: 'severity', width: 80, render: (s: string) => t(`inspections.severities.${s}`) },
          ]} />
        ) }}
        columns={[
          { title: t('inspections.templateName'), dataIndex: 'name', render: (v: string, x) => <Space direction="vertical" size={0}><span>{v}</span><Typography.Text type="secondary" style={{ fontSize: 12 }}>{x.description}</Typography.Text></Space> },
          { title: t('inspections.unitKind'), dataIndex: 'unit_kind', width: 100, render: (k: string | null) => (k ? t(`inspections.unitKinds.${k}`) : t('inspections.anyKind')) },
          { title: t('inspections.owningUnit'), dataIndex: 'unit_name', width: 110 },
          { title: t('inspections.items'), width: 70, render: (_, x) => t('inspections.itemsCount', { n: x.items.length }) },
          { title: '', width: 170, render: (_, x) => <Space size={2} wrap><Tag>{t('inspections.revision', { n: x.revision })}</Tag>{x.used > 0 && <Tag color="blue">{t('inspections.used', { n: x.used })}</Tag>}</Space> },
          { title: '', width: 140, fixed: 'right', render: (_, x) => canGuide(x) && (
            <Space size={4}>
              <Button size="small" onClick={() => { setEditing(x); setOpen(true); }}>{t('kpi.edit')}</Button>
              <Popconfirm title={t('inspections.retireConfirm')} onConfirm={async () => {
                try { await retire.mutateAsync(x); feedback.ok(t('inspections.retired')); } catch (err) { feedback.fail(err); }
              }}><Button size="small" danger>{t('inspections.retire')}</Button></Popconfirm>
            </Space>
          ) },
        ]} />
      <Editor key={editing?.id ?? 'new'} template={editing} open={open} onClose={() => setOpen(false)} />
    </div>
  );
}
