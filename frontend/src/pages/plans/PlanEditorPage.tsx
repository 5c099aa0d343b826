import { useEffect, useMemo } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { Button, Card, Col, DatePicker, Divider, Form, Input, InputNumber, Row, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useCreatePlan, usePlan, usePlans, useUpdatePlan } from '../../api/planning';
import { useUsers } from '../../api/org';
import { useIndicators } from '../../api/kpi';
import type { MoneyUnit, PlanCreate, PlanRead, ResourceKind } from '../../api/types';
import { QueryState, UnitSelect } from '../../components/common';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { useT } from '../../i18n';
import { useIndicatorOptions } from '../../components/Indicator';
import { PERIOD_RE } from './PlanListPage';
import { RiskPicker } from './LinkedRisks';
import { MONEY_UNITS } from './money';
import { useBudgetItems } from '../../api/budgets';

type MilestoneV = { title: string; due?: Dayjs | null; done?: boolean };
type TaskV = { title: string; measures?: string; owner_id?: number | null; owner_name?: string; unit_id?: number | null; start?: Dayjs | null; due?: Dayjs | null; milestones?: MilestoneV[] };
type TargetV = { indicator_code: string; value: number; unit?: string; aggregation?: 'sum' | 'avg'; note?: string };
type ResourceV = { kind: ResourceKind; description: string; quantity?: number | null; unit?: string; amount?: number | null; amount_unit?: MoneyUnit; budget_item?: string | null };
export type EditorValues = {
  unit_id: number; period: string; title: string; parent_plan_id?: number | null; guidance?: string; risk_notes?: string;
  targets?: TargetV[]; tasks?: TaskV[]; resources?: ResourceV[]; linked_risks?: number[];
};

const day = (d?: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : null);

/** Form values → the API's body (dates as ISO days, empty lists kept so a PATCH clears them). */
export function toPlanBody(v: EditorValues): PlanCreate {
  return {
    unit_id: v.unit_id,
    period: v.period.trim(),
    title: v.title.trim(),
    parent_plan_id: v.parent_plan_id ?? null,
    guidance: v.guidance ?? '',
    risk_notes: v.risk_notes ?? '',
    targets: (v.targets ?? []).map((x) => ({ indicator_code: x.indicator_code.trim(), value: x.value, unit: x.unit ?? '', aggregation: x.aggregation ?? 'sum', note: x.note ?? '' })),
    tasks: (v.tasks ?? []).map((x) => ({
      title: x.title.trim(), measures: x.measures ?? '', owner_id: x.owner_id ?? null, owner_name: x.owner_name ?? '',
      unit_id: x.unit_id ?? null, start: day(x.start), due: day(x.due),
      milestones: (x.milestones ?? []).map((m) => ({ title: m.title.trim(), due: day(m.due) ?? '', done: m.done ?? false })),
    })),
    resources: (v.resources ?? []).map((x) => ({ kind: x.kind, description: x.description, quantity: x.quantity ?? null, unit: x.unit ?? '', amount: x.amount ?? null, amount_unit: x.amount_unit ?? '元',
      budget_item: x.kind === 'budget' ? x.budget_item ?? null : null })),
    linked_risks: v.linked_risks ?? [],
  };
}

function fromPlan(p: PlanRead): EditorValues {
  const d = (s?: string | null) => (s ? dayjs(s) : null);
  return {
    unit_id: p.unit_id, period: p.period, title: p.title, parent_plan_id: p.parent_plan_id, guidance: p.guidance, risk_notes: p.risk_notes,
    targets: (p.targets ?? []).map((x) => ({ indicator_code: x.indicator_code, value: x.value, unit: x.unit, aggregation: x.aggregation as 'sum' | 'avg', note: x.note })),
    tasks: (p.tasks ?? []).map((x) => ({
      title: x.title, measures: x.measures, owner_id: x.owner_id, owner_name: x.owner_name, unit_id: x.unit_id, start: d(x.start), due: d(x.due),
      milestones: (x.milestones as { title: string; due: string; done?: boolean }[]).map((m) => ({ title: m.title, due: d(m.due), done: m.done })),
    })),
    resources: (p.resources ?? []).map((x) => ({ kind: x.kind as ResourceKind, description: x.description, quantity: x.quantity, unit: x.unit, amount: x.amount, amount_unit: x.amount_unit, budget_item: x.budget_item ?? null })),
    linked_risks: p.linked_risks ?? [],
  };
}

export default function PlanEditorPage() {
  const { t } = useT();
  const { id: idText } = useParams();
  const editId = idText ? Number(idText) : undefined;
  const navigate = useNavigate();
  const feedback = useApiFeedback();
  const { me } = useSession();
  const budgetItems = useBudgetItems();
  const [form] = Form.useForm<EditorValues>();
  const existing = usePlan(editId);
  const create = useCreatePlan();
  const update = useUpdatePlan(editId ?? 0);
  const users = useUsers();
  const parents = usePlans({});
  const indicators = useIndicators();
  const indicatorOptions = useIndicatorOptions().options;
  const userOptions = useMemo(() => (users.data?.items ?? []).map((u) => ({ value: u.id, label: u.display_name })), [users.data]);

  useEffect(() => {
    if (existing.data) form.setFieldsValue(fromPlan(existing.data));
  }, [existing.data, form]);

  const onFinish = async (values: EditorValues) => {
    // owner names and target units come from the user list and the indicator library; filled here
    // rather than with form.setFieldValue while editing
    const filled: EditorValues = {
      ...values,
      tasks: (values.tasks ?? []).map((x) => ({ ...x, owner_name: userOptions.find((o) => o.value === x.owner_id)?.label ?? (x.owner_id ? x.owner_name : '') })),
      targets: (values.targets ?? []).map((x) => ({ ...x, unit: x.unit || indicators.data?.items.find((i) => i.code === x.indicator_code)?.unit || '' })),
    };
    const body = toPlanBody(filled);
    try {
      if (editId) {
        const { unit_id: _u, period: _p, parent_plan_id: _pp, ...patch } = body;
        void _u; void _p; void _pp;
        const saved = await update.mutateAsync(patch);
        feedback.ok(t('plans.saved'));
        navigate(`/plans/${saved.id}`);
      } else {
        const saved = await create.mutateAsync(body);
        feedback.ok(t('plans.created'));
        navigate(`/plans/${saved.id}`);
      }
    } catch (err) {
      feedback.fail(err, form);
    }
  };

  const initial: Partial<EditorValues> = { unit_id: me?.positions[0]?.unit_id, targets: [], tasks: [], resources: [], linked_risks: [] };
  const body = (
    <Form form={form} layout="vertical" onFinish={onFinish} initialValues={initial} scrollToFirstError
      onKeyDown={(e) => {
        // a long form: Enter in a field (e.g. to confirm a typed date) must not save the plan
        if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') e.preventDefault();
      }}>
      <Card size="small" title={t('plans.basics')}>
        <Row gutter={12}>
          <Col xs={24} md={8}>
            <Form.Item name="unit_id" label={t('common.unit')} rules={[{ required: true, message: t('plans.unitRequired') }]}>
              <UnitSelect style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name="period" label={t('plans.period')} extra={t('plans.periodHelp')}
              rules={[{ required: true, message: t('plans.periodRequired') }, { pattern: PERIOD_RE, message: t('plans.periodInvalid') }]}>
              <Input disabled={!!editId} placeholder="2027 / 2027-Q1 / 2027-01" />
            </Form.Item>
          </Col>
          <Col xs={24} md={10}>
            <Form.Item name="parent_plan_id" label={t('plans.parentPlan')}>
              <Select allowClear disabled={!!editId} showSearch optionFilterProp="label" loading={parents.isPending}
                options={(parents.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.title}` }))} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="title" label={t('plans.title')} rules={[{ required: true, whitespace: true, message: t('plans.titleRequired') }, { max: 200 }]}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="guidance" label={t('plans.guidance')}><Input.TextArea rows={2} /></Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="risk_notes" label={t('plans.riskNotes')}><Input.TextArea rows={2} /></Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="linked_risks" label={t('plans.risks.title')} extra={t('plans.risks.help')}>
              <RiskPicker />
            </Form.Item>
          </Col>
        </Row>
      </Card>

      <Card size="small" title={t('plans.targets')} style={{ marginTop: 12 }}>
        <Form.List name="targets">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="start" wrap style={{ display: 'flex' }}>
                  <Form.Item name={[f.name, 'indicator_code']} label={t('plans.indicator')} rules={[{ required: true, whitespace: true, message: t('plans.indicatorRequired') }]}>
                    <Select showSearch optionFilterProp="label" style={{ width: 220 }} options={indicatorOptions} placeholder={t('plans.pickIndicator')} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'value']} label={t('plans.value')} rules={[{ required: true, message: t('plans.valueRequired') }]}>
                    <InputNumber style={{ width: 140 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'unit']} label={t('plans.unitOfMeasure')}><Input style={{ width: 90 }} /></Form.Item>
                  <Form.Item name={[f.name, 'aggregation']} label={t('plans.aggregation')} initialValue="sum">
                    <Select style={{ width: 100 }} options={[{ value: 'sum', label: t('plans.agg.sum') }, { value: 'avg', label: t('plans.agg.avg') }]} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'note']} label={t('plans.note')}><Input style={{ width: 200 }} /></Form.Item>
                  <Form.Item label=" "><Button aria-label={t('common.remove')} icon={<DeleteOutlined />} onClick={() => remove(f.name)} /></Form.Item>
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ aggregation: 'sum' })}>{t('plans.addTarget')}</Button>
            </>
          )}
        </Form.List>
      </Card>

      <Card size="small" title={t('plans.tasks')} style={{ marginTop: 12 }}>
        <Form.List name="tasks">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <div key={f.key} style={{ borderLeft: '3px solid #e6f4ff', paddingLeft: 12, marginBottom: 12 }}>
                  <Typography.Text strong>{t('plans.taskN', { n: i + 1 })}</Typography.Text>
                  <Row gutter={8}>
                    <Col xs={24} md={10}>
                      <Form.Item name={[f.name, 'title']} label={t('plans.taskTitle')} rules={[{ required: true, whitespace: true, message: t('plans.taskTitleRequired') }]}><Input /></Form.Item>
                    </Col>
                    <Col xs={24} md={6}>
                      <Form.Item name={[f.name, 'owner_id']} label={t('plans.owner')}>
                        <Select allowClear showSearch optionFilterProp="label" options={userOptions} loading={users.isPending} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'owner_name']} hidden><Input /></Form.Item>
                    </Col>
                    <Col xs={12} md={4}>
                      <Form.Item name={[f.name, 'start']} label={t('plans.start')}><DatePicker style={{ width: '100%' }} /></Form.Item>
                    </Col>
                    <Col xs={12} md={4}>
                      <Form.Item name={[f.name, 'due']} label={t('plans.due')} dependencies={[['tasks', f.name, 'start']]}
                        rules={[({ getFieldValue }) => ({
                          validator(_, value: Dayjs | null) {
                            const start = getFieldValue(['tasks', f.name, 'start']) as Dayjs | null;
                            return !value || !start || !value.isBefore(start, 'day') ? Promise.resolve() : Promise.reject(new Error(t('plans.dueBeforeStart')));
                          },
                        })]}>
                        <DatePicker style={{ width: '100%' }} />
                      </Form.Item>
                    </Col>
                    <Col span={24}>
                      <Form.Item name={[f.name, 'measures']} label={t('plans.measures')}><Input.TextArea rows={1} autoSize={{ minRows: 1, maxRows: 4 }} /></Form.Item>
                    </Col>
                  </Row>
                  <Form.List name={[f.name, 'milestones']}>
                    {(ms, ops) => (
                      <>
                        {ms.map((m) => (
                          <Space key={m.key} align="start" wrap style={{ display: 'flex' }}>
                            <Form.Item name={[m.name, 'title']} label={t('plans.milestone')} rules={[{ required: true, whitespace: true, message: t('plans.milestoneRequired') }]}><Input style={{ width: 240 }} /></Form.Item>
                            <Form.Item name={[m.name, 'due']} label={t('plans.due')} rules={[{ required: true, message: t('plans.dueRequired') }]}><DatePicker /></Form.Item>
                            <Form.Item label=" "><Button aria-label={t('common.remove')} icon={<DeleteOutlined />} onClick={() => ops.remove(m.name)} /></Form.Item>
                          </Space>
                        ))}
                        <Space>
                          <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => ops.add({})}>{t('plans.addMilestone')}</Button>
                          <Button size="small" danger onClick={() => remove(f.name)}>{t('plans.removeTask')}</Button>
                        </Space>
                      </>
                    )}
                  </Form.List>
                </div>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ milestones: [] })}>{t('plans.addTask')}</Button>
            </>
          )}
        </Form.List>
      </Card>

      <Card size="small" title={t('plans.resources')} style={{ marginTop: 12 }}>
        <Form.List name="resources">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="start" wrap style={{ display: 'flex' }}>
                  <Form.Item name={[f.name, 'kind']} label={t('plans.resourceKind.label')} rules={[{ required: true, message: t('plans.kindRequired') }]}>
                    <Select style={{ width: 110 }} options={(['people', 'material', 'budget'] as const).map((k) => ({ value: k, label: t(`plans.resourceKind.${k}`) }))} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'description']} label={t('plans.description')} rules={[{ required: true, whitespace: true, message: t('plans.descriptionRequired') }]}><Input style={{ width: 240 }} /></Form.Item>
                  <Form.Item name={[f.name, 'quantity']} label={t('plans.quantity')}><InputNumber min={0} style={{ width: 100 }} /></Form.Item>
                  <Form.Item name={[f.name, 'unit']} label={t('plans.unitOfMeasure')}><Input style={{ width: 80 }} /></Form.Item>
                  <Form.Item name={[f.name, 'amount']} label={t('plans.amount')}>
                    <InputNumber min={0} style={{ width: 200 }} addonAfter={
                      <Form.Item name={[f.name, 'amount_unit']} noStyle initialValue="元">
                        <Select aria-label={t('plans.amountUnit')} style={{ width: 76 }} options={MONEY_UNITS.map((u) => ({ value: u, label: t(`plans.moneyUnit.${u === '元' ? 'yuan' : 'wan'}`) }))} />
                      </Form.Item>
                    } />
                  </Form.Item>
                  <Form.Item noStyle shouldUpdate={(a: EditorValues, b: EditorValues) => a.resources?.[f.name]?.kind !== b.resources?.[f.name]?.kind}>
                    {({ getFieldValue }) => getFieldValue(['resources', f.name, 'kind']) === 'budget' && (
                      <Form.Item name={[f.name, 'budget_item']} label={t('budgets.budgetItem')}>
                        <Select allowClear style={{ width: 130 }} placeholder={t('budgets.budgetItemPlaceholder')}
                          options={(budgetItems.data ?? []).filter((i) => i.active).map((i) => ({ value: i.code, label: i.name }))} />
                      </Form.Item>
                    )}
                  </Form.Item>
                  <Form.Item label=" "><Button aria-label={t('common.remove')} icon={<DeleteOutlined />} onClick={() => remove(f.name)} /></Form.Item>
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ kind: 'budget', amount_unit: '元' })}>{t('plans.addResource')}</Button>
            </>
          )}
        </Form.List>
      </Card>
      <Divider />
      <Space>
        <Button type="primary" htmlType="submit" loading={create.isPending || update.isPending}>{editId ? t('common.save') : t('plans.createDraft')}</Button>
        <Button onClick={() => navigate(-1)}>{t('common.cancel')}</Button>
      </Space>
    </Form>
  );
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{editId ? t('plans.editTitle') : t('plans.newTitle')}</Typography.Title>
      {editId ? <QueryState loading={existing.isPending} error={existing.error}>{body}</QueryState> : body}
    </div>
  );
}
