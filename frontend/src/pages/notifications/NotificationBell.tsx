/** The header's bell: the unread count (asked every 30 s while the tab is visible, when the window gets
 * the focus back and after a mark), and a dropdown of the newest unread ones with 查看全部. */
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Badge, Button, Dropdown, Spin, Typography } from 'antd';
import type { DropdownProps, MenuProps } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useLatestUnread, useMarkRead, useUnreadCount } from '../../api/notifications';
import type { NotificationRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';
import { absoluteTime, badgeText, bellLabel, relativeTime, safeLink } from './format';
import { useNow } from './useNow';

const LATEST = 5;
// the items set the dropdown's width (a fixed one, so long titles end in an ellipsis), within a phone's
const ITEM_WIDTH = 'min(320px, calc(100vw - 64px))';

/** Mark one read, then open where it leads (the centre when it leads nowhere of ours). */
export function useOpenNotification() {
  const navigate = useNavigate();
  const mark = useMarkRead();
  const feedback = useApiFeedback();
  return async (n: NotificationRead) => {
    if (n.read_at === null) {
      try {
        await mark.mutateAsync(n.id);
      } catch (err) {
        feedback.fail(err);
      }
    }
    navigate(safeLink(n.link) ?? '/notifications');
  };
}

export function NotificationBell() {
  const { t } = useT();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const count = useUnreadCount();
  const latest = useLatestUnread(LATEST, open);
  const openNotification = useOpenNotification();
  const now = useNow();
  const { refetch } = count;
  useEffect(() => {
    // TanStack refetches when the tab becomes visible; a window that only got the focus back asks too
    const onFocus = () => void refetch();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [refetch]);
  // the dropdown's answer is newer than the last poll while it is open
  const unread = (open ? latest.data?.unread : undefined) ?? count.data?.unread ?? 0;
  const notes = latest.data?.items ?? [];

  const noteItems: NonNullable<MenuProps['items']> = latest.isPending
    ? [{ key: 'loading', disabled: true, label: <div style={{ width: ITEM_WIDTH, textAlign: 'center' }}><Spin size="small" /></div> }]
    : notes.length === 0
      ? [{ key: 'none', disabled: true, label: <Typography.Text type="secondary" style={{ display: 'block', width: ITEM_WIDTH }}>{t('notifications.noUnread')}</Typography.Text> }]
      : notes.map((n) => ({
        key: `n-${n.id}`,
        label: (
          <div data-testid="bell-item" style={{ display: 'flex', flexDirection: 'column', gap: 2, padding: '2px 0', width: ITEM_WIDTH }}>
            <Typography.Text strong ellipsis style={{ lineHeight: 1.4 }}>{n.title}</Typography.Text>
            <Typography.Text type="secondary" ellipsis style={{ fontSize: 12, lineHeight: 1.4 }}>{n.body}</Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12, lineHeight: 1.4 }} title={absoluteTime(n.created_at)}>
              {t(`notifications.kind.${n.kind}`)} · {relativeTime(n.created_at, now, t)}
            </Typography.Text>
          </div>
        ),
      }));
  const items: MenuProps['items'] = [
    { key: 'latest', type: 'group', label: t('notifications.latest'), children: noteItems },
    { type: 'divider' },
    { key: 'all', label: <span data-testid="bell-view-all">{t('notifications.viewAll')}</span> },
  ];
  const onClick: MenuProps['onClick'] = ({ key }) => {
    setOpen(false);
    if (key === 'all') {
      navigate('/notifications');
      return;
    }
    const note = notes.find((n) => `n-${n.id}` === key);
    if (note) void openNotification(note);
  };
  return (
    <Dropdown
      trigger={['click']}
      open={open}
      onOpenChange={(o) => setOpen(o)}
      placement="bottomRight"
      // on a phone the bell is not at the right edge: slide the dropdown into the screen rather than past
      // it (the trigger's shiftX, which antd's type does not list but passes on)
      autoAdjustOverflow={{ adjustX: 1, adjustY: 1, shiftX: true } as DropdownProps['autoAdjustOverflow']}
      menu={{ items, onClick, style: { maxWidth: 'calc(100vw - 16px)', maxHeight: '70vh', overflowY: 'auto' } }}
    >
      <Button type="text" data-testid="notification-bell" aria-label={bellLabel(t, unread)} aria-haspopup="menu" aria-expanded={open}
        icon={<Badge count={badgeText(unread)} size="small" offset={[4, -2]}><BellOutlined style={{ fontSize: 16 }} /></Badge>} />
    </Dropdown>
  );
}
