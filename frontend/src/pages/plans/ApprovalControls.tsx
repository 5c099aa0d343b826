/** The approval controls' dialogs (撤回, 转办, 加签, 抄送) opened from the ActionBar, and what a stage of the
 * approval card shows of them. Which control is offered is the server's word (allowed_actions); whom
 * it may name comes from the server too (candidates, derived from the org model). */
import { Form, Input, Modal, Radio, Select, Space, Tag, Typography } from 'antd';
import { usePlanCandidates, usePlanControl } from '../../api/planning';
import type { CcRead, PlanRead, StageRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { ErrorAlert } from '../../components/common';
import { useT } from '../../i18n';
import {
  candidateOptions, controlBody, hasStageControls, pickerMode, stageControls, submitterCopies, type AddedStatus, type ControlValues, type PlanControl,
} from './controls';

const PERSON_FIELD: Record<Exclude<PlanControl, 'withdraw'>, 'to_user_id' | 'user_id' | 'user_ids'> = {
  transfer: 'to_user_id', add_signer: 'user_id', cc: 'user_ids',
};

export function ControlModal({ plan, control, onClose }: { plan: PlanRead; control: PlanControl | null; onClose: () => void }) {
  const { t } = useT();
  const [form] = Form.useForm<ControlValues>();
  const run = usePlanControl(plan.id);
  const feedback = useApiFeedback();
  const picks = control && control !== 'withdraw' ? control : null;
  const candidates = usePlanCandidates(plan.id, picks);
  const options = candidateOptions(candidates.data);
  const mode = control ? pickerMode(control) : null;
  const close = () => { form.resetFields(); onClose(); };

  const submit = async (values: ControlValues) => {
    if (!control) return;
    try {
      await run.mutateAsync({ control, body: controlBody(control, values) });
      const chosen = picks ? ([] as (number | undefined)[]).concat(values[PERSON_FIELD[picks]]) : [];
      const names = chosen.map((id) => (candidates.data ?? []).find((c) => c.id === id)?.name).filter(Boolean).join('、');
      feedback.ok(t(`approvals.done.${control}`, { names }));
      close();
    } catch (err) {
      feedback.fail(err, form);
    }
  };

  return (
    <Modal
      open={control !== null}
      title={control ? t(`approvals.control.${control}`) : ''}
      okText={control ? t(`approvals.control.${control}`) : ''}
      okButtonProps={{ loading: run.isPending }}
      onCancel={close}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      {control && (
        <Form form={form} layout="vertical" initialValues={{ position: 'before' }} onFinish={submit}>
          <Typography.Paragraph type="secondary">{t(`approvals.intro.${control}`)}</Typography.Paragraph>
          {picks && (
            <Form.Item
              name={PERSON_FIELD[picks]}
              label={t(`approvals.person.${picks}`)}
              rules={[{ required: true, message: mode === 'many' ? t('approvals.peopleRequired') : t('approvals.personRequired') }]}
            >
              <Select
                mode={mode === 'many' ? 'multiple' : undefined}
                showSearch
                optionFilterProp="search"
                loading={candidates.isPending}
                placeholder={t('approvals.searchPlaceholder')}
                notFoundContent={candidates.isPending ? undefined : t('approvals.noCandidates')}
                options={options.map((o) => ({
                  value: o.value,
                  search: o.label,
                  label: picks === 'add_signer' && o.advisory
                    ? <Space size={4}><span>{o.label}</span><Tag color="gold">{t('approvals.advisory')}</Tag></Space>
                    : o.label,
                }))}
              />
            </Form.Item>
          )}
          <ErrorAlert error={candidates.error} />
          {picks === 'add_signer' && (
            <>
              {options.some((o) => o.advisory) && (
                <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('approvals.advisoryHelp')}</Typography.Paragraph>
              )}
              <Form.Item name="position" label={t('approvals.position')} rules={[{ required: true }]}>
                <Radio.Group>
                  <Space direction="vertical">
                    <Radio value="before">{t('approvals.before')}</Radio>
                    <Radio value="after">{t('approvals.after')}</Radio>
                  </Space>
                </Radio.Group>
              </Form.Item>
            </>
          )}
          {picks === 'transfer' ? (
            <Form.Item name="reason" label={t('approvals.reason')}
              rules={[{ required: true, whitespace: true, message: t('approvals.reasonRequired') }]}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          ) : (
            <Form.Item name="comment" label={picks === 'cc' ? t('approvals.ccComment') : t('approvals.comment')}>
              <Input.TextArea rows={3} maxLength={2000} autoFocus={!picks} />
            </Form.Item>
          )}
        </Form>
      )}
    </Modal>
  );
}

const STATUS_COLOR: Record<AddedStatus, string> = { waiting: 'default', pending: 'blue', signed: 'green', opined: 'green' };

/** Under a stage of the approval card: who was added (前/后加签, 仅提意见), who handed over to whom, who
 * was copied. Nothing when no control was used on the stage. */
export function StageControls({ stage, copied }: { stage: StageRead; copied?: CcRead[] }) {
  const { t } = useT();
  const view = stageControls(stage, copied);
  if (!hasStageControls(view)) return null;
  return (
    <div data-testid="stage-controls">
      {view.transfers.map((x, i) => (
        <div key={`t${i}`}>
          {t('approvals.stage.transferred')}: {t('approvals.stage.transferLine', { from: x.from, to: x.to })}
          {x.reason && <Typography.Text type="secondary" style={{ fontSize: 12 }}>（{x.reason}）</Typography.Text>}
        </div>
      ))}
      {view.added.length > 0 && (
        <div>
          {t('approvals.stage.added')}:{' '}
          {view.added.map((a, i) => (
            <Space key={i} size={2} style={{ marginInlineEnd: 8 }}>
              <span>{a.name}</span>
              {a.position && <Tag>{t(`approvals.stage.${a.position === 'after' ? 'after' : 'before'}`)}</Tag>}
              {a.advisory && <Tag color="gold">{t('approvals.advisory')}</Tag>}
              <Tag color={STATUS_COLOR[a.status]}>{t(`approvals.stage.${a.status}`)}</Tag>
            </Space>
          ))}
        </div>
      )}
      {view.cc.length > 0 && <div>{t('approvals.stage.cc')}: {view.cc.join('、')}</div>}
    </div>
  );
}

/** Below the stages: whom the submitter copied (抄送); they may read the plan, nothing more. */
export function SubmitterCopies({ copied }: { copied?: CcRead[] }) {
  const { t } = useT();
  const names = submitterCopies(copied);
  if (!names.length) return null;
  return <div data-testid="plan-cc" style={{ fontSize: 12, marginTop: 8 }}>{t('approvals.planCc')}: {names.join('、')}</div>;
}
