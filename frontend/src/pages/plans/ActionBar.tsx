import { useState } from 'react';
import { Button, Form, Input, Modal, Space } from 'antd';
import { usePlanAction, type PlanAction } from '../../api/planning';
import type { PlanRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';
import { actionBody, NEEDS_TEXT, orderedActions } from './planActions';
import { advisoryTurn, orderedControls, type PlanControl } from './controls';
import { useSession } from '../../app/session';
import { ControlModal } from './ApprovalControls';

export function ActionBar({ plan }: { plan: PlanRead }) {
  const { t } = useT();
  const act = usePlanAction(plan.id);
  const feedback = useApiFeedback();
  const [open, setOpen] = useState<PlanAction | null>(null);
  const [form] = Form.useForm<{ text: string }>();
  const actions = orderedActions(plan.allowed_actions);
  const controls = orderedControls(plan.allowed_actions);
  const [control, setControl] = useState<PlanControl | null>(null);
  // an advisory 加签 step's "approve" is an opinion, given in words
  const advisory = advisoryTurn(plan.stages, useSession().me?.user.id);
  const label = (a: PlanAction) => (a === 'approve' && advisory ? t('approvals.opinion') : t(`plans.action.${a}`));
  const run = async (action: PlanAction, text: string) => {
    try {
      await act.mutateAsync({ action, ...actionBody(action, text) });
      feedback.ok(t('plans.actionDone', { action: label(action) }));
      setOpen(null);
      form.resetFields();
    } catch (err) {
      feedback.fail(err, form);
    }
  };
  const need = open ? (open === 'approve' && advisory ? 'text' : NEEDS_TEXT[open]) : undefined;
  return (
    <>
      <Space wrap className="yg-action-bar">
        {actions.map((a) => (
          <Button key={a} data-action={a} type={['submit', 'approve', 'issue', 'publish'].includes(a) ? 'primary' : 'default'}
            danger={a === 'veto'} onClick={() => setOpen(a)}>
            {label(a)}
          </Button>
        ))}
        {controls.map((c) => (
          <Button key={c} data-action={c} onClick={() => setControl(c)}>{t(`approvals.control.${c}`)}</Button>
        ))}
      </Space>
      <ControlModal plan={plan} control={control} onClose={() => setControl(null)} />
      <Modal
        open={open !== null}
        title={open ? label(open) : ''}
        okText={open ? label(open) : ''}
        okButtonProps={{ danger: open === 'veto', loading: act.isPending }}
        onCancel={() => { setOpen(null); form.resetFields(); }}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => open && run(open, v.text ?? '')}>
          <Form.Item
            name="text"
            label={need === 'reason' ? t('plans.reason') : open === 'approve' && advisory ? t('approvals.opinionText') : need === 'text' ? t(`plans.actionText.${open}`) : t('plans.comment')}
            rules={need ? [{ required: true, whitespace: true, message: need === 'reason' ? t('plans.reasonRequired') : t('plans.textRequired') }] : []}
          >
            <Input.TextArea rows={3} maxLength={2000} autoFocus />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
