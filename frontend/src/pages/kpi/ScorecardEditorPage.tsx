/** 考核模板 editor: weighted items (indicators with a scoring rule, qualitative items scored by the
 * assessor), grade bands and the rewards / penalties per grade. Three modes: a new template
 * (/kpi/scorecards/new), a new one copied from a stored one (?from=id), and a change in place
 * (/kpi/scorecards/:id/edit, If-Match at the version loaded; the service recomputes draft runs). */
import { useEffect, useRef, type ComponentProps } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Col, ConfigProvider, Form, Input, InputNumber, Radio, Row, Select, Skeleton, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useCreateScorecard, useScorecard, useUpdateScorecard, type ScorecardRead } from '../../api/kpi';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { ErrorAlert, UnitSelect, unitRightRule, useUnitNames } from '../../components/common';
import { useIndicatorOptions } from '../../components/Indicator';
import { useT } from '../../i18n';
import { canOver } from '../../app/grants';
import { emptyScorecard, fromScorecard, newItem, OUTCOME_TYPES, RULE_TYPES, toScorecardCreate, toScorecardUpdate, weightTotal, type ItemValue, type ScorecardValues } from './scorecardForm';

/** The template's unit; fixed when it is changed in place (only its parts change). Form.Item hands
 * value and onChange to its direct child, so they are passed on to the select. */
function UnitField({ fixed, ...props }: { fixed: boolean } & ComponentProps<typeof UnitSelect>) {
  return <ConfigProvider componentDisabled={fixed}><UnitSelect {...props} /></ConfigProvider>;
}

function RuleFields({ name }: { name: number }) {
  const { t } = useT();
  const form = Form.useFormInstance<ScorecardValues>();
  const type = Form.useWatch(['items', name, 'rule_type'], form);
  if (type === 'tiered') {
    return (
      <Form.List name={[name, 'tiers']} rules={[{ validator: async (_, tiers?: unknown[]) => { if (!tiers?.length) throw new Error(t('kpi.tiersRequired')); } }]}>
        {(fields, { add, remove }, { errors }) => (
          <Space direction="vertical" size={4}>
            {fields.map((f) => (
              <Space key={f.key} size={4}>
                <Typography.Text type="secondary">{t('kpi.tierFrom')}</Typography.Text>
                <Form.Item noStyle name={[f.name, 'min_pct']} rules={[{ required: true, message: t('kpi.required') }]}><InputNumber size="small" min={0} max={1000} suffix="%" style={{ width: 90 }} aria-label={t('kpi.tierFrom')} /></Form.Item>
                <Typography.Text type="secondary">{t('kpi.tierScore')}</Typography.Text>
                <Form.Item noStyle name={[f.name, 'score']} rules={[{ required: true, message: t('kpi.required') }]}><InputNumber size="small" min={0} max={200} style={{ width: 70 }} aria-label={t('kpi.tierScore')} /></Form.Item>
                <Button size="small" type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('kpi.remove')} />
              </Space>
            ))}
            <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => add({})}>{t('kpi.addTier')}</Button>
            <Form.ErrorList errors={errors} />
          </Space>
        )}
      </Form.List>
    );
  }
  if (type === 'deduction') {
    return <Space size={4}><Typography.Text type="secondary">{t('kpi.perPercent')}</Typography.Text><Form.Item noStyle name={[name, 'per_percent']}><InputNumber size="small" min={0} max={100} style={{ width: 80 }} aria-label={t('kpi.perPercent')} /></Form.Item></Space>;
  }
  if (type === 'veto') {
    return <Space size={4}><Typography.Text type="secondary">{t('kpi.vetoFloor')}</Typography.Text><Form.Item noStyle name={[name, 'floor_pct']}><InputNumber size="small" min={0} max={1000} suffix="%" style={{ width: 100 }} aria-label={t('kpi.vetoFloor')} /></Form.Item></Space>;
  }
  return <Space size={4}><Typography.Text type="secondary">{t('kpi.cap')}</Typography.Text><Form.Item noStyle name={[name, 'cap_pct']} rules={[{ type: 'number', min: 1, max: 1000, message: t('kpi.capRange') }]}><InputNumber size="small" min={1} max={1000} suffix="%" style={{ width: 100 }} aria-label={t('kpi.cap')} /></Form.Item></Space>;
}

function ItemRow({ name, onRemove }: { name: number; onRemove: () => void }) {
  const { t } = useT();
  const form = Form.useFormInstance<ScorecardValues>();
  const kind = Form.useWatch(['items', name, 'kind'], form) as ItemValue['kind'] | undefined;
  const indicators = useIndicatorOptions();
  return (
    <Row gutter={8} align="top" style={{ borderBottom: '1px solid #f0f0f0', paddingTop: 8 }} data-testid="scorecard-item">
      <Col flex="110px">
        <Form.Item name={[name, 'kind']} style={{ marginBottom: 8 }}>
          <Select size="small" aria-label={t('kpi.itemKind')} options={(['indicator', 'qualitative'] as const).map((k) => ({ value: k, label: t(`kpi.itemKinds.${k}`) }))}
            onChange={(k: ItemValue['kind']) => {
              const items = [...(form.getFieldValue('items') as ItemValue[])];
              items[name] = { ...newItem(k), weight: items[name]?.weight, name: items[name]?.name };
              form.setFieldsValue({ items });
            }} />
        </Form.Item>
      </Col>
      <Col flex="1 1 220px">
        {kind === 'indicator' && (
          <Form.Item name={[name, 'indicator_code']} style={{ marginBottom: 4 }} rules={[{ required: true, message: t('kpi.indicatorRequired') }]}>
            <Select size="small" showSearch optionFilterProp="label" options={indicators.options} loading={indicators.loading} placeholder={t('kpi.indicator')} aria-label={t('kpi.indicator')} />
          </Form.Item>
        )}
        <Form.Item name={[name, 'name']} style={{ marginBottom: 8 }} rules={[
          { max: 200, message: t('kpi.tooLong', { n: 200 }) },
          ...(kind === 'qualitative' ? [{ required: true, whitespace: true, message: t('kpi.itemNameRequired') }] : []),
        ]}>
          <Input size="small" placeholder={kind === 'qualitative' ? t('kpi.qualitativeName') : t('kpi.itemNameOptional')} aria-label={t('kpi.item')} />
        </Form.Item>
      </Col>
      <Col flex="110px">
        <Form.Item name={[name, 'weight']} style={{ marginBottom: 8 }} rules={[{ required: true, message: t('kpi.weightRequired') }, { type: 'number', min: 0.01, max: 100, message: t('kpi.weightRange') }]}>
          <InputNumber size="small" min={0} max={100} suffix="%" placeholder={t('kpi.weight')} aria-label={t('kpi.weight')} style={{ width: '100%' }} />
        </Form.Item>
      </Col>
      <Col flex="1 1 320px">
        {kind === 'indicator' ? (
          <Space align="start" wrap size={6} style={{ marginBottom: 8 }}>
            <Form.Item name={[name, 'rule_type']} noStyle>
              <Select size="small" style={{ width: 130 }} aria-label={t('kpi.scoringRule')} options={RULE_TYPES.map((r) => ({ value: r, label: t(`kpi.rules.${r}`) }))} />
            </Form.Item>
            <RuleFields name={name} />
          </Space>
        ) : (
          <Space size={4} style={{ marginBottom: 8 }}>
            <Typography.Text type="secondary">{t('kpi.maxScore')}</Typography.Text>
            <Form.Item noStyle name={[name, 'max_score']} rules={[{ required: true, message: t('kpi.required') }]}><InputNumber size="small" min={1} style={{ width: 90 }} aria-label={t('kpi.maxScore')} /></Form.Item>
          </Space>
        )}
      </Col>
      <Col flex="32px"><Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onRemove} aria-label={t('kpi.remove')} /></Col>
    </Row>
  );
}

export default function ScorecardEditorPage() {
  const { t } = useT();
  const { me } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { id } = useParams();
  const editId = id !== undefined && Number.isInteger(Number(id)) ? Number(id) : undefined;
  const fromId = editId ?? (params.get('from') ? Number(params.get('from')) : undefined);
  const editing = editId !== undefined;
  const source = useScorecard(fromId);
  const [form] = Form.useForm<ScorecardValues>();
  const create = useCreateScorecard();
  const update = useUpdateScorecard();
  const feedback = useApiFeedback();
  const units = useUnitNames();
  const items = Form.useWatch('items', form);
  const grades = Form.useWatch('grades', form);
  const total = weightTotal(items);
  // the version the form was filled from: a change goes back at that version (If-Match), and a
  // re-read of the template does not overwrite what the user is typing
  const loaded = useRef<ScorecardRead | null>(null);

  useEffect(() => {
    if (!source.data || loaded.current?.id === source.data.id) return;
    loaded.current = source.data;
    const values = fromScorecard(source.data);
    form.setFieldsValue(editing ? values : { ...values, name: t('kpi.copyName', { name: source.data.name }) });
  }, [source.data, form, t, editing]);

  const submit = async (v: ScorecardValues) => {
    try {
      if (editing && loaded.current) {
        await update.mutateAsync({ card: loaded.current, body: toScorecardUpdate(v) });
        feedback.ok(t('kpi.scorecardUpdated'));
      } else {
        await create.mutateAsync(toScorecardCreate(v));
        feedback.ok(t('kpi.scorecardCreated'));
      }
      navigate('/kpi/scorecards');
    } catch (err) {
      feedback.fail(err, form);
    }
  };

  if (fromId !== undefined && source.isPending) return <Skeleton active />;
  const mayChange = !editing || (!!source.data && canOver(me?.grants, 'assess', source.data.unit_path));
  const heading = editing && source.data ? t('kpi.editScorecardTitle', { name: source.data.name })
    : source.data ? t('kpi.scorecardFrom', { name: source.data.name }) : t('kpi.newScorecard');
  const gradeOptions = (grades ?? []).filter((g) => g?.grade).map((g) => ({ value: g.grade as string, label: g.grade as string }));
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{heading}</Typography.Title>
        <Space>
          <Link to="/kpi/scorecards"><Button>{t('common.cancel')}</Button></Link>
          {editing && source.data && <Link to={`/kpi/scorecards/new?from=${source.data.id}`}><Button>{t('kpi.copyScorecard')}</Button></Link>}
          <Button type="primary" loading={create.isPending || update.isPending} disabled={!mayChange || (editing && !source.data)} onClick={() => form.submit()}>{editing ? t('kpi.saveChanges') : t('kpi.saveScorecard')}</Button>
        </Space>
      </Space>
      <ErrorAlert error={source.error} />
      {source.data && mayChange && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={editing ? t('kpi.editHint') : t('kpi.copyHint')} />}
      {!mayChange && <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('kpi.noAssessRight')} />}
      <Form form={form} layout="vertical" initialValues={emptyScorecard()} onFinish={(v) => void submit(v)} scrollToFirstError>
        <Card size="small" title={t('kpi.basics')} style={{ marginBottom: 12 }}>
          <Row gutter={12}>
            <Col xs={24} md={10}>
              <Form.Item name="name" label={t('kpi.scorecardName')} rules={[{ required: true, whitespace: true, message: t('kpi.nameRequired') }, { max: 200, message: t('kpi.tooLong', { n: 200 }) }]}>
                <Input maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="unit_id" label={t('kpi.scorecardUnit')} extra={editing ? t('kpi.fixedInPlace') : undefined} rules={[
                { required: true, message: t('common.chooseUnit') },
                unitRightRule(me?.grants, units, 'assess', t('kpi.noAssessRight')),
              ]}>
                <UnitField fixed={editing} />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item name="subject_kind" label={t('kpi.subjectKind')}>
                <Radio.Group disabled={editing} options={(['unit', 'person'] as const).map((k) => ({ value: k, label: t(`kpi.subjectKinds.${k}`) }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={10}>
              <Form.Item name="routine_weight" label={t('sanctions.routineWeight')} extra={t('sanctions.routineWeightHelp')}
                rules={[{ type: 'number', min: 0, max: 100, message: t('sanctions.routineWeightRange') }]}>
                <InputNumber min={0} max={100} suffix="%" style={{ width: 140 }} aria-label={t('sanctions.routineWeight')} />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <Card size="small" style={{ marginBottom: 12 }}
          title={<Space>{t('kpi.items')}<Typography.Text type={total === 100 ? 'success' : 'danger'} data-testid="weight-total">{t('kpi.weightTotal', { total })}</Typography.Text></Space>}>
          <Form.List name="items" rules={[
            { validator: async (_, list?: ItemValue[]) => { if (!list?.length) throw new Error(t('kpi.itemsRequired')); if (list.length > 50) throw new Error(t('kpi.itemsTooMany')); } },
            { validator: async (_, list?: ItemValue[]) => { const sum = weightTotal(list); if (Math.abs(sum - 100) > 1e-6) throw new Error(t('kpi.weightsMustAddUp', { total: sum })); } },
          ]}>
            {(fields, { add, remove }, { errors }) => (
              <>
                {fields.map((f) => <ItemRow key={f.key} name={f.name} onRemove={() => remove(f.name)} />)}
                <Space style={{ marginTop: 8 }}>
                  <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add(newItem('indicator'))}>{t('kpi.addIndicatorItem')}</Button>
                  <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add(newItem('qualitative'))}>{t('kpi.addQualitativeItem')}</Button>
                </Space>
                <Form.ErrorList errors={errors} />
              </>
            )}
          </Form.List>
        </Card>
        <Row gutter={12}>
          <Col xs={24} lg={8}>
            <Card size="small" title={t('kpi.grades')} style={{ marginBottom: 12 }}>
              <Form.List name="grades" rules={[{ validator: async (_, list?: unknown[]) => { if (!list?.length) throw new Error(t('kpi.gradesRequired')); } }]}>
                {(fields, { add, remove }, { errors }) => (
                  <>
                    {fields.map((f) => (
                      <Space key={f.key} size={4} align="start">
                        <Form.Item name={[f.name, 'grade']} rules={[{ required: true, whitespace: true, message: t('kpi.required') }, { max: 20, message: t('kpi.tooLong', { n: 20 }) }]} style={{ marginBottom: 6 }}>
                          <Input size="small" style={{ width: 70 }} aria-label={t('kpi.grade')} placeholder={t('kpi.grade')} />
                        </Form.Item>
                        <Typography.Text type="secondary" style={{ lineHeight: '24px' }}>≥</Typography.Text>
                        <Form.Item name={[f.name, 'min']} rules={[{ required: true, message: t('kpi.required') }]} style={{ marginBottom: 6 }}>
                          <InputNumber size="small" style={{ width: 80 }} aria-label={t('kpi.gradeMin')} placeholder={t('kpi.gradeMin')} />
                        </Form.Item>
                        <Button size="small" type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('kpi.remove')} />
                      </Space>
                    ))}
                    <div><Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({})}>{t('kpi.addGrade')}</Button></div>
                    <Form.ErrorList errors={errors} />
                  </>
                )}
              </Form.List>
            </Card>
          </Col>
          <Col xs={24} lg={16}>
            <Card size="small" title={t('kpi.outcomes')} style={{ marginBottom: 12 }}>
              <Form.List name="outcomes">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((f) => <OutcomeRow key={f.key} name={f.name} gradeOptions={gradeOptions} onRemove={() => remove(f.name)} />)}
                    <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ kind: 'reward', type: 'bonus' })}>{t('kpi.addOutcome')}</Button>
                  </>
                )}
              </Form.List>
            </Card>
          </Col>
        </Row>
      </Form>
    </div>
  );
}

function OutcomeRow({ name, gradeOptions, onRemove }: { name: number; gradeOptions: { value: string; label: string }[]; onRemove: () => void }) {
  const { t } = useT();
  const form = Form.useFormInstance<ScorecardValues>();
  const kind = (Form.useWatch(['outcomes', name, 'kind'], form) ?? 'reward') as keyof typeof OUTCOME_TYPES;
  return (
    <Space size={4} align="start" wrap>
      <Form.Item name={[name, 'grade']} rules={[{ required: true, message: t('kpi.required') }]} style={{ marginBottom: 6 }}>
        <Select size="small" style={{ width: 70 }} options={gradeOptions} aria-label={t('kpi.grade')} placeholder={t('kpi.grade')} />
      </Form.Item>
      <Form.Item name={[name, 'kind']} style={{ marginBottom: 6 }}>
        <Select size="small" style={{ width: 80 }} aria-label={t('kpi.outcomeKind')}
          options={(['reward', 'penalty'] as const).map((k) => ({ value: k, label: t(`kpi.outcomeKinds.${k}`) }))}
          onChange={(k: keyof typeof OUTCOME_TYPES) => form.setFieldValue(['outcomes', name, 'type'], OUTCOME_TYPES[k][0])} />
      </Form.Item>
      <Form.Item name={[name, 'type']} style={{ marginBottom: 6 }}>
        <Select size="small" style={{ width: 90 }} aria-label={t('kpi.outcomeType')} options={OUTCOME_TYPES[kind].map((x) => ({ value: x, label: t(`kpi.outcomeTypes.${x}`) }))} />
      </Form.Item>
      <Form.Item name={[name, 'amount']} style={{ marginBottom: 6 }}>
        <InputNumber size="small" style={{ width: 110 }} min={0} placeholder={t('kpi.amount')} aria-label={t('kpi.amount')} />
      </Form.Item>
      <Form.Item name={[name, 'note']} rules={[{ max: 500, message: t('kpi.tooLong', { n: 500 }) }]} style={{ marginBottom: 6 }}>
        <Input size="small" style={{ width: 180 }} maxLength={500} placeholder={t('kpi.note')} aria-label={t('kpi.note')} />
      </Form.Item>
      <Button size="small" type="text" icon={<DeleteOutlined />} onClick={onRemove} aria-label={t('kpi.remove')} />
    </Space>
  );
}
