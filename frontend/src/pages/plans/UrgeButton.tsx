/** 催办: the plan's submitter chases the people its waiting stage waits on, once per business day. Shown
 * only to the one who may (the watch says can_urge, or urged_today once they have). */
import { useState } from 'react';
import { Button, Form, Input, Modal, Tooltip } from 'antd';
import { ThunderboltOutlined } from '@ant-design/icons';
import { useUrge, useWatches } from '../../api/reminders';
import type { PlanRead, WatchRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';

type T = (key: string, vars?: Record<string, string | number>) => string;

/** Who it waits on and how long is left, in a sentence. */
export function waitingText(t: T, w: Pick<WatchRead, 'waiting_on' | 'working_days_left'>): string {
  const who = w.waiting_on.length ? w.waiting_on.join('、') : t('plans.urge.someone');
  const left = w.working_days_left;
  const when = left === null || left === undefined ? ''
    : left > 0 ? t('plans.urge.daysLeft', { n: left }) : left === 0 ? t('plans.urge.dueToday') : t('plans.urge.overdue', { n: -left });
  return `${t('plans.urge.waitingOn', { who })}${when ? t('common.colon') + when : ''}`;
}

/** The approval watch the caller may 催办 (or has today), if any. */
export function urgeable(items: readonly WatchRead[] | undefined): WatchRead | undefined {
  return items?.find((w) => w.kind === 'approval' && (w.can_urge || w.urged_today));
}

export function UrgeButton({ plan }: { plan: PlanRead }) {
  const { t } = useT();
  const waiting = plan.status === 'submitted';
  const watches = useWatches('plan', waiting ? plan.id : undefined);
  const urge = useUrge();
  const feedback = useApiFeedback();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ comment?: string }>();
  const watch = waiting ? urgeable(watches.data?.items) : undefined;
  if (!watch) return null;
  const done = watch.urged_today && !watch.can_urge;
  return (
    <>
      <Tooltip title={done ? t('plans.urge.urgedToday') : waitingText(t, watch)}>
        {/* a disabled button gets no mouse events: the span carries the tooltip */}
        <span style={{ display: 'inline-block' }}>
          <Button data-action="urge" icon={<ThunderboltOutlined />} disabled={done} onClick={() => setOpen(true)}
            aria-description={done ? t('plans.urge.urgedToday') : waitingText(t, watch)}>
            {done ? t('plans.urge.urged') : t('plans.urge.button')}
          </Button>
        </span>
      </Tooltip>
      <Modal open={open} title={t('plans.urge.button')} okText={t('plans.urge.button')} onCancel={() => setOpen(false)}
        onOk={() => form.submit()} okButtonProps={{ loading: urge.isPending }} destroyOnHidden>
        <p>{waitingText(t, watch)}</p>
        <Form form={form} layout="vertical" onFinish={async (v) => {
          try {
            const r = await urge.mutateAsync({ watchId: watch.id, body: { comment: v.comment?.trim() ?? '' } });
            feedback.ok(t('plans.urge.done', { n: r.notified }));
            setOpen(false);
          } catch (err) {
            feedback.fail(err, form);
          }
        }}>
          <Form.Item name="comment" label={t('plans.urge.comment')}>
            <Input.TextArea rows={2} maxLength={500} placeholder={t('plans.urge.commentHint')} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
