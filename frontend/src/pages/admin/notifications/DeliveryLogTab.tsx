/** 发送记录: every e-mail and robot message, newest first, by status and channel; the error of a failed
 * one, and 重试 for what gave up (parked) or lost its channel (dropped). */
import { Button, Segmented, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useOutgoingMessages, useRetryMessage } from '../../../api/channels';
import type { OutgoingMessageRead, OutgoingStatus } from '../../../api/types';
import { useApiFeedback } from '../../../app/feedback';
import { ErrorAlert } from '../../../components/common';
import { useT } from '../../../i18n';
import { absoluteTime } from '../../notifications/format';
import { canRetry, MESSAGE_CHANNELS, MESSAGE_STATUSES, STATUS_COLORS } from './rules';

export function DeliveryLogTab({ status, onStatus, channel, onChannel }: {
  status?: OutgoingStatus; onStatus: (s: OutgoingStatus | undefined) => void; channel?: string; onChannel: (c: string | undefined) => void;
}) {
  const { t } = useT();
  const log = useOutgoingMessages({ status, channel });
  const retry = useRetryMessage();
  const feedback = useApiFeedback();
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented value={status ?? 'all'} onChange={(v) => onStatus(v === 'all' ? undefined : (v as OutgoingStatus))}
          options={[{ value: 'all', label: t('notifications.filter.all') }, ...MESSAGE_STATUSES.map((s) => ({ value: s, label: t(`notifications.admin.status.${s}`) }))]} />
        <Select value={channel ?? 'all'} onChange={(v) => onChannel(v === 'all' ? undefined : v)} style={{ width: 140 }} aria-label={t('notifications.admin.channel')}
          options={[{ value: 'all', label: t('notifications.admin.allChannels') }, ...MESSAGE_CHANNELS.map((c) => ({ value: c, label: t(`notifications.admin.channels.${c}`) }))]} />
      </Space>
      <ErrorAlert error={log.error} />
      <Table<OutgoingMessageRead> size="small" rowKey="id" loading={log.isPending} dataSource={rows} pagination={false} scroll={{ x: 960 }}
        locale={{ emptyText: t('notifications.admin.noMessages') }}
        columns={[
          { title: t('notifications.admin.at'), dataIndex: 'created_at', width: 130, render: (v: string) => absoluteTime(v) },
          { title: t('notifications.admin.channel'), dataIndex: 'channel', width: 90, render: (c: string) => t(`notifications.admin.channels.${c}`) },
          { title: t('notifications.admin.address'), dataIndex: 'address', width: 190, ellipsis: true },
          { title: t('notifications.admin.subject'), dataIndex: 'subject', ellipsis: true },
          { title: t('org.state'), dataIndex: 'status', width: 80, render: (s: OutgoingStatus) => <Tag color={STATUS_COLORS[s] ?? 'default'}>{t(`notifications.admin.status.${s}`)}</Tag> },
          { title: t('notifications.admin.attempts'), dataIndex: 'attempts', width: 70 },
          { title: t('notifications.admin.error'), dataIndex: 'last_error', width: 220,
            render: (e: string) => (e ? <Tooltip title={e}><Typography.Text type="danger" ellipsis style={{ maxWidth: 200 }}>{e}</Typography.Text></Tooltip> : '') },
          { title: t('notifications.admin.nextAttempt'), key: 'next', width: 130,
            render: (_, m) => (m.status === 'sent' ? (m.sent_at ? absoluteTime(m.sent_at) : '') : m.status === 'pending' ? absoluteTime(m.next_attempt_at) : '—') },
          { title: '', key: 'retry', width: 70, render: (_, m) => canRetry(m.status) && (
            <Button size="small" loading={retry.isPending && retry.variables === m.id} onClick={async () => {
              try { await retry.mutateAsync(m.id); feedback.ok(t('notifications.admin.retried')); } catch (err) { feedback.fail(err); }
            }}>{t('notifications.admin.retry')}</Button>
          ) },
        ]} />
      {log.hasNextPage && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>{t('notifications.loadMore')}</Button>
        </div>
      )}
    </div>
  );
}
