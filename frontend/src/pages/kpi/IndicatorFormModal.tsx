/** Add an indicator to the library or change one (company administrators). Field limits follow
 * services/kpi/schemas.IndicatorCreate; the formula is checked by the service (syntax, unknown
 * indicators, cycles) and its answer lands on the formula field. */
import { useEffect } from 'react';
import { Col, Form, Input, InputNumber, Modal, Radio, Row, Select, Switch } from 'antd';
import { useCreateIndicator, useUpdateIndicator, type IndicatorCreate, type IndicatorRead } from '../../api/kpi';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';
import { thresholdOrderKey } from './thresholds';

export const CATEGORIES = ['financial', 'efficiency', 'customer', 'internal'] as const;
export const DIRECTIONS = ['higher_better', 'lower_better', 'band'] as const;
export const AGGREGATIONS = ['sum', 'avg', 'weighted_avg', 'last', 'min', 'max'] as const;
export const FREQUENCIES = ['day', 'week', 'month', 'quarter', 'year'] as const;
const CODE_RE = /^[a-z_][a-z0-9_]{0,59}$/;

type Values = Omit<IndicatorCreate, 'code'> & { code?: string; active?: boolean };

export function IndicatorFormModal({ open, editing, onClose }: { open: boolean; editing: IndicatorRead | null; onClose: () => void }) {
  const { t } = useT();
  const [form] = Form.useForm<Values>();
  const create = useCreateIndicator();
  const update = useUpdateIndicator();
  const feedback = useApiFeedback();
  const options = (ns: string, values: readonly string[]) => values.map((v) => ({ value: v, label: t(`kpi.${ns}.${v}`) }));

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    // the read model names its enums as plain strings; they are the same values the form offers
    if (editing) form.setFieldsValue({ ...editing, formula: editing.formula ?? '' } as Values);
    else form.setFieldsValue({ category: 'financial', direction: 'higher_better', aggregation: 'sum', frequency: 'month', threshold_mode: 'absolute' });
  }, [open, editing, form]);

  const submit = async (v: Values) => {
    const body: Omit<IndicatorCreate, 'code'> = {
      name: v.name.trim(), name_en: v.name_en?.trim() ?? '', category: v.category, unit: v.unit?.trim() ?? '', direction: v.direction,
      aggregation: v.aggregation, frequency: v.frequency, formula: v.formula?.trim() || null, warning: v.warning ?? null,
      critical: v.critical ?? null, threshold_mode: v.threshold_mode, description: v.description ?? '',
    };
    try {
      if (editing) {
        await update.mutateAsync({ indicator: editing, body: { ...body, active: v.active } });
        feedback.ok(t('kpi.indicatorForm.saved'));
      } else {
        await create.mutateAsync({ ...body, code: (v.code ?? '').trim() });
        feedback.ok(t('kpi.indicatorForm.created'));
      }
      onClose();
    } catch (err) {
      feedback.fail(err, form);
    }
  };

  return (
    <Modal open={open} title={editing ? t('kpi.indicatorForm.editTitle', { code: editing.code }) : t('kpi.indicatorForm.newTitle')}
      onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: create.isPending || update.isPending }} destroyOnHidden width={640}>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="code" label={t('kpi.code')} rules={editing ? [] : [
              { required: true, message: t('kpi.indicatorForm.codeRequired') },
              { pattern: CODE_RE, message: t('kpi.indicatorForm.codeFormat') },
            ]}>
              <Input disabled={!!editing} placeholder="scrap_rate" maxLength={60} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="name" label={t('kpi.indicatorForm.nameZh')} rules={[{ required: true, whitespace: true, message: t('kpi.nameRequired') }]}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="name_en" label={t('kpi.indicatorForm.nameEn')}><Input maxLength={100} /></Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={8}><Form.Item name="category" label={t('kpi.category')}><Select options={options('categories', CATEGORIES)} /></Form.Item></Col>
          <Col span={8}><Form.Item name="unit" label={t('kpi.unitOfMeasure')}><Input maxLength={20} placeholder="%" /></Form.Item></Col>
          <Col span={8}><Form.Item name="frequency" label={t('kpi.frequency')}><Select options={options('frequencies', FREQUENCIES)} /></Form.Item></Col>
        </Row>
        <Row gutter={12}>
          <Col span={12}><Form.Item name="direction" label={t('kpi.direction')}><Select options={options('directions', DIRECTIONS)} /></Form.Item></Col>
          <Col span={12}><Form.Item name="aggregation" label={t('kpi.aggregation')}><Select options={options('aggregations', AGGREGATIONS)} /></Form.Item></Col>
        </Row>
        {/* a rule of its own, so that typing clears the service's answer about the last formula */}
        <Form.Item name="formula" label={t('kpi.formula')} extra={t('kpi.indicatorForm.formulaHelp')} rules={[{ max: 500, message: t('kpi.tooLong', { n: 500 }) }]}>
          <Input maxLength={500} placeholder="cost / sales * 100" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="threshold_mode" label={t('kpi.indicatorForm.thresholdMode')} tooltip={t('kpi.indicatorForm.thresholdHelp')}>
              <Radio.Group options={options('thresholdModes', ['absolute', 'relative'])} optionType="button" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="warning" label={t('kpi.indicatorForm.warning')}><InputNumber style={{ width: '100%' }} /></Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="critical" label={t('kpi.indicatorForm.critical')} dependencies={['warning', 'direction']} rules={[({ getFieldValue }) => ({
              validator: async (_, critical?: number | null) => {
                const key = thresholdOrderKey(getFieldValue('direction'), getFieldValue('warning'), critical);
                if (key) throw new Error(t(key));
              },
            })]}>
              <InputNumber style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="description" label={t('kpi.description')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
        {editing && <Form.Item name="active" label={t('kpi.state')} valuePropName="checked"><Switch checkedChildren={t('kpi.active')} unCheckedChildren={t('kpi.inactive')} /></Form.Item>}
      </Form>
    </Modal>
  );
}
