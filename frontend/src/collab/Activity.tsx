/** 动态: one timeline of what happened to a record — decisions, edits, comments, files — newest first, each told
 * by the server in the reader's language, with when (relative, and the date and time) and 加载更多. */
import { Button, Empty, Skeleton, Tag, Timeline, Tooltip, Typography } from 'antd';
import {
  AuditOutlined, ClockCircleOutlined, EditOutlined, MessageOutlined, PaperClipOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import { useRecordActivity, type ActivityEntry, type ActivityKind } from '../api/activity';
import { ErrorAlert } from '../components/common';
import { useT } from '../i18n';
import { absoluteTime, relativeTime } from '../pages/notifications/format';
import { useNow } from '../pages/notifications/useNow';
import { entryText, KIND_COLORS, kindLabel, statusChange } from './activityFormat';
import type { RecordRef } from './record';

const KIND_ICONS: Record<ActivityKind, ReactNode> = {
  decision: <AuditOutlined />, edit: <EditOutlined />, comment: <MessageOutlined />, file: <PaperClipOutlined />,
  other: <ClockCircleOutlined />,
};

function Entry({ e, now }: { e: ActivityEntry; now: Date }) {
  const { t } = useT();
  const status = statusChange(e);
  return (
    <div data-testid="activity-entry" data-kind={e.kind} data-action={e.action} aria-label={entryText(e, t)}
      style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
      <div>
        <Typography.Text>{e.sentence}</Typography.Text>
        {status && <Tag style={{ marginInlineStart: 8 }}>{status}</Tag>}
      </div>
      {e.quote && (
        <Typography.Paragraph type="secondary" ellipsis={{ rows: 3, expandable: true }}
          style={{ margin: '4px 0 0', paddingInlineStart: 8, borderInlineStart: '3px solid #e6e6e6' }}>
          {e.quote}
        </Typography.Paragraph>
      )}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        <Tooltip title={absoluteTime(e.at)}>
          <time dateTime={e.at}>{relativeTime(e.at, now, t)}</time>
        </Tooltip>
        {' · '}{absoluteTime(e.at)}
      </Typography.Text>
    </div>
  );
}

export function ActivityPanel(props: RecordRef) {
  const { t, locale } = useT();
  const now = useNow();
  const q = useRecordActivity(props, locale);
  if (q.isLoading) return <Skeleton active paragraph={{ rows: 4 }} />;
  if (q.error) return <ErrorAlert error={q.error} />;
  const items = (q.data?.pages ?? []).flatMap((p) => p.items);
  if (!items.length) return <Empty description={t('activity.empty')} />;
  return (
    <div data-testid="activity-panel">
      <Timeline style={{ marginTop: 8 }} items={items.map((e) => ({
        key: e.seq,
        color: KIND_COLORS[e.kind],
        dot: <span role="img" aria-label={kindLabel(e.kind, t)} title={kindLabel(e.kind, t)}
          style={{ fontSize: 16, color: e.kind === 'decision' ? '#0958d9' : undefined }}>{KIND_ICONS[e.kind]}</span>,
        children: <Entry e={e} now={now} />,
      }))} />
      {q.hasNextPage && (
        <Button block onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>{t('activity.more')}</Button>
      )}
    </div>
  );
}
