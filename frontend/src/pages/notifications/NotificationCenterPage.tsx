/** 通知中心: the reader's notifications, newest first, all or unread and by kind, page by page; opening
 * one marks it read, and 全部标为已读 marks the rest. */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Badge, Button, Empty, List, Segmented, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import { useMarkAllRead, useNotificationList } from '../../api/notifications';
import type { NotificationKind, NotificationRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { ErrorAlert } from '../../components/common';
import { useT } from '../../i18n';
import { absoluteTime, KINDS, relativeTime, safeLink } from './format';
import { useOpenNotification } from './NotificationBell';
import { useNow } from './useNow';

const KIND_COLORS: Record<NotificationKind, string> = { approval: 'blue', task: 'gold', alert: 'red', mention: 'purple', digest: 'default' };

function Item({ n, now, onOpen }: { n: NotificationRead; now: Date; onOpen: (n: NotificationRead) => void }) {
  const { t } = useT();
  const unread = n.read_at === null;
  const href = safeLink(n.link) ?? '/notifications';
  return (
    <List.Item data-testid="notification-item" data-unread={unread} onClick={() => onOpen(n)}
      style={{ cursor: 'pointer', alignItems: 'flex-start', background: unread ? '#f5f9ff' : undefined, padding: '10px 12px' }}>
      <div style={{ display: 'flex', gap: 10, width: '100%', minWidth: 0 }}>
        <span style={{ width: 8, paddingTop: 4, flex: 'none' }}>
          {unread && <Badge status="processing" aria-label={t('notifications.unreadDot')} title={t('notifications.unreadDot')} />}
        </span>
        <div style={{ flex: 1, minWidth: 0 }}>
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
            <Tag color={KIND_COLORS[n.kind]} style={{ marginInlineEnd: 0 }}>{t(`notifications.kind.${n.kind}`)}</Tag>
            <Tooltip title={absoluteTime(n.created_at)}>
              <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                <time dateTime={n.created_at}>{relativeTime(n.created_at, now, t)}</time>
              </Typography.Text>
            </Tooltip>
          </div>
          <div style={{ marginTop: 4 }}>
            {/* a real link: keyboard, screen readers and "open in a new tab" work; the click marks it read first */}
            <Link to={href} onClick={(e) => { e.preventDefault(); e.stopPropagation(); onOpen(n); }}
              style={{ fontWeight: unread ? 600 : 400, color: 'inherit', overflowWrap: 'anywhere' }}>{n.title}</Link>
          </div>
          {n.body && <Typography.Paragraph type="secondary" ellipsis={{ rows: 2, tooltip: n.body }} style={{ margin: '2px 0 0', overflowWrap: 'anywhere' }}>{n.body}</Typography.Paragraph>}
        </div>
      </div>
    </List.Item>
  );
}

export default function NotificationCenterPage() {
  const { t } = useT();
  const [show, setShow] = useState<'all' | 'unread'>('all');
  const [kind, setKind] = useState<NotificationKind | undefined>();
  const list = useNotificationList({ unread: show === 'unread', kind });
  const markAll = useMarkAllRead();
  const feedback = useApiFeedback();
  const openNotification = useOpenNotification();
  const now = useNow();
  const pages = list.data?.pages ?? [];
  const items = pages.flatMap((p) => p.items);
  const unread = pages[0]?.unread ?? 0;
  const emptyText = kind ? t('notifications.empty.kind', { kind: t(`notifications.kind.${kind}`) })
    : show === 'unread' ? t('notifications.empty.unread') : t('notifications.empty.all');
  return (
    <div style={{ maxWidth: 960 }}>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Space align="baseline" wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>{t('notifications.title')}</Typography.Title>
          {list.data && <Typography.Text type="secondary" data-testid="notifications-unread">{t('notifications.unreadTotal', { n: unread })}</Typography.Text>}
        </Space>
        <Button icon={<CheckOutlined />} disabled={unread === 0} loading={markAll.isPending} onClick={async () => {
          try {
            const done = await markAll.mutateAsync();
            feedback.ok(t('notifications.markedAll', { n: done.marked }));
          } catch (err) {
            feedback.fail(err);
          }
        }}>{t('notifications.markAllRead')}</Button>
      </Space>
      <Space wrap style={{ marginBottom: 12 }} role="group" aria-label={t('notifications.filter.label')}>
        <Segmented value={show} onChange={(v) => setShow(v as 'all' | 'unread')}
          options={[{ value: 'all', label: t('notifications.filter.all') }, { value: 'unread', label: t('notifications.filter.unread') }]} />
        <Select<NotificationKind | 'any'> value={kind ?? 'any'} onChange={(v) => setKind(v === 'any' ? undefined : v)} style={{ width: 150 }}
          aria-label={t('notifications.filter.kindLabel')}
          options={[{ value: 'any', label: t('notifications.filter.allKinds') }, ...KINDS.map((k) => ({ value: k, label: t(`notifications.kind.${k}`) }))]} />
      </Space>
      <ErrorAlert error={list.error} />
      <List<NotificationRead> bordered loading={list.isPending} dataSource={items} rowKey="id" style={{ background: '#fff' }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText} /> }}
        renderItem={(n) => <Item n={n} now={now} onOpen={(x) => void openNotification(x)} />}
        loadMore={list.hasNextPage ? (
          <div style={{ textAlign: 'center', margin: '12px 0' }}>
            <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>{t('notifications.loadMore')}</Button>
          </div>
        ) : items.length > 0 && pages.length > 1 ? (
          <div style={{ textAlign: 'center', margin: '12px 0' }}><Typography.Text type="secondary">{t('notifications.noMore')}</Typography.Text></div>
        ) : null} />
    </div>
  );
}
