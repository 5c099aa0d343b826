/** 奖惩标准: the company scale, grade → rewards / penalties for people and units; the company admin edits it. */
import { useEffect } from 'react';
import { Alert, Button, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useApiFeedback } from '../../../app/feedback';
import { useSession } from '../../../app/session';
import { ErrorAlert } from '../../../components/common';
import { useT } from '../../../i18n';
import { usePutScale, useScale, type ScaleLine } from './hooks';
import { fmtYuan, needsAmount, TYPES_OF, type SanctionKind } from './sanctionView';

function LineRow({ name, onRemove }: { name: number; onRemove: () => void }) {
  const { t } = useT();
  const form = Form.useFormInstance();
  const kind = (Form.useWatch(['lines', name, 'kind'], form) ?? 'reward') as SanctionKind;
  const type = Form.useWatch(['lines', name, 'type'], form);
  return (
    <Space wrap style={{ marginBottom: 8 }} align="start">
      <Form.Item name={[name, 'grade']} noStyle rules={[{ required: true }]}><Input style={{ width: 60 }} aria-label={t('sanctions.grade')} placeholder="A" /></Form.Item>
      <Form.Item name={[name, 'subject_kind']} noStyle>
        <Select style={{ width: 110 }} aria-label={t('sanctions.subject')} options={(['person', 'unit', 'any'] as const).map((k) => ({ value: k, label: t(`sanctions.subjectKinds.${k}`) }))} />
      </Form.Item>
      <Form.Item name={[name, 'kind']} noStyle>
        <Select style={{ width: 80 }} aria-label={t('sanctions.kindType')} onChange={(k: SanctionKind) => form.setFieldValue(['lines', name, 'type'], TYPES_OF[k][0])}
          options={(['reward', 'penalty'] as const).map((k) => ({ value: k, label: t(`sanctions.kinds.${k}`) }))} />
      </Form.Item>
      <Form.Item name={[name, 'type']} noStyle>
        <Select style={{ width: 90 }} aria-label={t('sanctions.kindType')} options={TYPES_OF[kind].map((ty) => ({ value: ty, label: t(`kpi.outcomeTypes.${ty}`) }))} />
      </Form.Item>
      {needsAmount(type) && <Form.Item name={[name, 'amount']} noStyle rules={[{ required: true }]}><InputNumber min={1} suffix="元" style={{ width: 130 }} aria-label={t('sanctions.amount')} /></Form.Item>}
      <Form.Item name={[name, 'note']} noStyle><Input style={{ width: 180 }} placeholder={t('sanctions.note')} maxLength={500} aria-label={t('sanctions.note')} /></Form.Item>
      <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onRemove} aria-label="delete" />
    </Space>
  );
}

export function ScaleTab() {
  const { t } = useT();
  const { access } = useSession();
  const feedback = useApiFeedback();
  const scale = useScale();
  const put = usePutScale();
  const [form] = Form.useForm<{ lines: ScaleLine[] }>();
  const admin = access.rights.has('admin');
  useEffect(() => { if (scale.data) form.setFieldsValue({ lines: scale.data.lines }); }, [scale.data, form]);
  const lines = scale.data?.lines ?? [];
  return (
    <div>
      <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('sanctions.scaleHint')}
        description={admin ? undefined : t('sanctions.scaleReadOnly')} />
      <ErrorAlert error={scale.error} />
      {scale.data?.version === 0 && <Typography.Text type="secondary">{t('sanctions.defaultScale')}</Typography.Text>}
      {!admin && (
        <Table<ScaleLine> size="small" rowKey={(l) => `${l.grade}-${l.subject_kind}-${l.type}`} dataSource={lines} pagination={false} loading={scale.isPending} scroll={{ x: 600 }}
          columns={[
            { title: t('sanctions.grade'), dataIndex: 'grade', width: 70 },
            { title: t('sanctions.subject'), dataIndex: 'subject_kind', width: 110, render: (k: string) => t(`sanctions.subjectKinds.${k}`) },
            { title: t('sanctions.kindType'), width: 120, render: (_, l) => <Tag color={l.kind === 'reward' ? 'green' : 'red'}>{t(`sanctions.kinds.${l.kind}`)}·{t(`kpi.outcomeTypes.${l.type}`)}</Tag> },
            { title: t('sanctions.amount'), dataIndex: 'amount', width: 110, align: 'right', render: (v: number | null) => fmtYuan(v) },
            { title: t('sanctions.note'), dataIndex: 'note' },
          ]} />
      )}
      {admin && (
        <Form form={form} onFinish={async (v) => {
          try {
            await put.mutateAsync({ version: scale.data?.version ?? 0, lines: (v.lines ?? []).map((l) => ({ ...l, amount: needsAmount(l.type) ? l.amount ?? null : null, note: l.note ?? '' })) });
            feedback.ok(t('sanctions.scaleSaved'));
          } catch (err) { feedback.fail(err, form); }
        }}>
          <Form.List name="lines">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => <LineRow key={f.key} name={f.name} onRemove={() => remove(f.name)} />)}
                <Space style={{ marginTop: 8 }}>
                  <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => add({ grade: 'A', subject_kind: 'person', kind: 'reward', type: 'bonus', amount: 1000, note: '' })}>{t('sanctions.addLine')}</Button>
                  <Button type="primary" htmlType="submit" loading={put.isPending}>{t('sanctions.saveScale')}</Button>
                </Space>
              </>
            )}
          </Form.List>
        </Form>
      )}
    </div>
  );
}
