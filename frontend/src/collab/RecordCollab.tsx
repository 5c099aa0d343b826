/** A record's collaboration: 动态 (what happened), 评论 and 附件, in tabs — on a record's own page in a card, and
 * for records shown in a table (tasks, 整改 actions, findings) behind a 「讨论」 button that opens it in a drawer
 * (the whole width on a phone). */
import { useState } from 'react';
import { Button, Card, Drawer, Grid, Tabs } from 'antd';
import { MessageOutlined } from '@ant-design/icons';
import { useT } from '../i18n';
import { ActivityPanel } from './Activity';
import { AttachmentsPanel } from './Attachments';
import { CommentsPanel } from './Comments';
import type { RecordRef } from './record';

export function RecordCollab(props: RecordRef) {
  const { t } = useT();
  const ref = { service: props.service, kind: props.kind, id: props.id };
  return (
    <div data-testid="record-collab"><Tabs defaultActiveKey="activity" destroyOnHidden items={[
      { key: 'activity', label: t('activity.collab.activity'), children: <ActivityPanel {...ref} /> },
      { key: 'comments', label: t('activity.collab.comments'), children: <CommentsPanel {...ref} /> },
      { key: 'attachments', label: t('activity.collab.attachments'), children: <AttachmentsPanel {...ref} /> },
    ]} /></div>
  );
}

/** 动态与讨论 at the bottom of a record's page. */
export function RecordCollabCard(props: RecordRef) {
  const { t } = useT();
  return (
    <Card title={t('activity.collab.title')} style={{ marginTop: 16 }}>
      <RecordCollab {...props} />
    </Card>
  );
}

/** 「讨论」 for a record in a table row: opens its 动态 / 评论 / 附件 in a drawer. */
export function DiscussButton({ record, title, size = 'small' }: { record: RecordRef; title: string; size?: 'small' | 'middle' }) {
  const { t } = useT();
  const [open, setOpen] = useState(false);
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  return (
    <>
      <Button size={size} type="link" icon={<MessageOutlined />} onClick={(e) => { e.stopPropagation(); setOpen(true); }}
        data-testid={`discuss-${record.kind}-${record.id}`} aria-label={`${t('activity.collab.discuss')} ${title}`}>
        {t('activity.collab.discuss')}
      </Button>
      <Drawer open={open} onClose={() => setOpen(false)} width={phone ? '100%' : 560} destroyOnHidden
        title={t('activity.collab.discussTitle', { title })} rootClassName="yg-discuss-drawer">
        {open && <RecordCollab {...record} />}
      </Drawer>
    </>
  );
}
