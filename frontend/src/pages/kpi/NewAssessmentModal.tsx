/** 发起考核: an assessment run of a unit or a person for a period, from a scorecard template.
 * The service computes the indicator items at once; the run page then takes the assessor's scores. */
import { useEffect } from 'react';
import { useNavigate } from 'react-router-dom';
import { AutoComplete, Form, Input, Modal, Radio, Select } from 'antd';
import { ApiError } from '../../api/errors';
import { useCreateAssessment, useScorecards, type AssessmentCreate } from '../../api/kpi';
import { useUnitPeople } from '../../api/org';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { UnitSelect, unitRightRule, useUnitNames } from '../../components/common';
import { useT } from '../../i18n';
import { isPeriod } from './period';

type Values = { scorecard_id?: number; unit_id?: number; period?: string; kind: AssessmentCreate['kind']; person_name?: string };

/** Last year for an annual run, last month for a routine one: the periods usually complete. */
function defaultPeriod(kind: AssessmentCreate['kind']): string {
  const d = new Date();
  if (kind === 'annual') return String(d.getFullYear() - 1);
  const prev = new Date(d.getFullYear(), d.getMonth() - 1, 1);
  return `${prev.getFullYear()}-${String(prev.getMonth() + 1).padStart(2, '0')}`;
}

export function NewAssessmentModal({ open, scorecardId, onClose }: { open: boolean; scorecardId?: number; onClose: () => void }) {
  const { t } = useT();
  const { me } = useSession();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const cards = useScorecards();
  const units = useUnitNames();
  const create = useCreateAssessment();
  const feedback = useApiFeedback();
  const chosen = Form.useWatch('scorecard_id', form);
  const card = cards.data?.items.find((c) => c.id === chosen);
  const person = card?.subject_kind === 'person';
  const unitId = Form.useWatch('unit_id', form);
  const people = useUnitPeople(person ? unitId : undefined);

  useEffect(() => {
    if (open) {
      form.resetFields();
      form.setFieldsValue({ scorecard_id: scorecardId, kind: 'annual', period: defaultPeriod('annual') });
    }
  }, [open, scorecardId, form]);

  const submit = async (v: Values) => {
    try {
      const a = await create.mutateAsync({
        scorecard_id: v.scorecard_id as number, unit_id: v.unit_id as number, period: (v.period as string).trim(), kind: v.kind,
        person_name: person ? (v.person_name ?? '').trim() : '',
        // someone picked from the unit's people is assessed by id; a typed name stays a name
        person_id: person ? (people.data?.items.find((u) => u.display_name === (v.person_name ?? '').trim())?.id ?? null) : null,
      });
      feedback.ok(t('kpi.assessmentCreated'));
      onClose();
      navigate(`/kpi/assessments/${a.id}`);
    } catch (err) {
      // the same subject and period has a run already: open it instead of a dead end
      const existing = err instanceof ApiError && err.status === 409 ? Number(err.body.assessment_id) : NaN;
      feedback.fail(err, form);
      if (Number.isFinite(existing)) { onClose(); navigate(`/kpi/assessments/${existing}`); }
    }
  };

  return (
    <Modal open={open} title={t('kpi.newAssessment')} onCancel={onClose} onOk={() => form.submit()} okText={t('kpi.startAssessment')}
      okButtonProps={{ loading: create.isPending }} destroyOnHidden width={520}>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item name="scorecard_id" label={t('kpi.scorecard')} rules={[{ required: true, message: t('kpi.scorecardRequired') }]}>
          <Select showSearch optionFilterProp="label" loading={cards.isPending}
            options={(cards.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name} · ${t(`kpi.subjectKinds.${c.subject_kind}`)}` }))} />
        </Form.Item>
        <Form.Item name="unit_id" label={t('kpi.assessedUnit')} rules={[
          { required: true, message: t('common.chooseUnit') },
          unitRightRule(me?.grants, units, 'assess', t('kpi.noAssessRight')),
        ]}>
          <UnitSelect />
        </Form.Item>
        {person && (
          <Form.Item name="person_name" label={t('kpi.person')} extra={t('kpi.personHelp')}
            rules={[{ required: true, whitespace: true, message: t('kpi.personRequired') }, { max: 100, message: t('kpi.tooLong', { n: 100 }) }]}>
            <AutoComplete maxLength={100} filterOption={(input, o) => String(o?.value ?? '').includes(input)}
              options={(people.data?.items ?? []).map((u) => ({ value: u.display_name, label: `${u.display_name}（${u.username}）` }))} />
          </Form.Item>
        )}
        <Form.Item name="kind" label={t('kpi.assessmentKind')}>
          <Radio.Group onChange={(e) => form.setFieldsValue({ period: defaultPeriod(e.target.value as Values['kind']) })}
            options={(['annual', 'routine'] as const).map((k) => ({ value: k, label: t(`kpi.assessmentKinds.${k}`) }))} />
        </Form.Item>
        <Form.Item name="period" label={t('kpi.period')} extra={t('kpi.periodHelp')} rules={[
          { required: true, whitespace: true, message: t('kpi.periodRequired') },
          { validator: async (_, p?: string) => { if (p && !isPeriod(p)) throw new Error(t('kpi.periodFormat')); } },
        ]}>
          <Input placeholder="2025" style={{ width: 180 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
