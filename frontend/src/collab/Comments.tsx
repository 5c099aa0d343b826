/** A record's comments (issue 23): threads one level deep, replies, the author's edit and delete within the
 * server's window, and an @ picker offering only people who may already see the record (a mention grants
 * nothing). Mentions are kept in the text as @[name](user:ID) and shown as highlighted names. */
import { useState } from 'react';
import { Button, Empty, Mentions, Popconfirm, Skeleton, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import {
  useAddComment, useComments, useDeleteComment, useEditComment, useMentionable,
  type CommentRead,
} from '../api/comments';
import { useApiFeedback } from '../app/feedback';
import { ErrorAlert } from '../components/common';
import { useT } from '../i18n';
import { segments } from './mentions';
import type { RecordRef } from './record';

const MAX_BODY = 4000;

/** A comment's text with its mentions as highlighted names. */
export function CommentText({ text }: { text: string }) {
  return (
    <span style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
      {segments(text).map((s, i) => (s.kind === 'mention'
        ? <span key={i} className="yg-mention" data-user-id={s.userId}
            style={{ color: '#0958d9', background: '#e6f4ff', borderRadius: 4, padding: '0 2px' }}>@{s.name}</span>
        : <span key={i}>{s.text}</span>))}
    </span>
  );
}

/** A text box where typing @ opens the list of people who may be mentioned; picking one inserts their token. */
function MentionBox({ record, value, onChange, placeholder, autoFocus }: {
  record: RecordRef; value: string; onChange: (v: string) => void; placeholder: string; autoFocus?: boolean;
}) {
  const { t } = useT();
  const [query, setQuery] = useState<string | null>(null);
  const people = useMentionable(record, query ?? '', query !== null);
  // the server narrows the list; while its answer is on the way the last one is narrowed here, at once
  const typed = (query ?? '').toLowerCase();
  const options = (people.data ?? []).filter((p) => [p.name, p.username, ...p.units, ...p.positions]
    .some((s) => s.toLowerCase().includes(typed))).map((p) => ({
    key: String(p.user_id),
    value: `[${p.name}](user:${p.user_id})`,
    label: (
      <span data-testid="mention-option">
        <span>{p.name}</span>
        {(p.units.length > 0 || p.positions.length > 0) && (
          <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
            {[p.units.join('、'), p.positions.join('、')].filter(Boolean).join(' · ')}
          </Typography.Text>
        )}
      </span>
    ),
  }));
  return (
    <Mentions
      value={value}
      onChange={onChange}
      prefix="@"
      autoSize={{ minRows: 2, maxRows: 8 }}
      maxLength={MAX_BODY}
      placeholder={placeholder}
      autoFocus={autoFocus}
      aria-label={placeholder}
      filterOption={false}
      loading={people.isFetching}
      notFoundContent={t('comments.nobodyToMention')}
      onSearch={(text) => setQuery(text)}
      onBlur={() => setQuery(null)}
      options={options}
    />
  );
}

function Composer({ record, replyTo, onDone, autoFocus }: {
  record: RecordRef; replyTo?: CommentRead; onDone?: () => void; autoFocus?: boolean;
}) {
  const { t } = useT();
  const feedback = useApiFeedback();
  const add = useAddComment(record);
  const [body, setBody] = useState('');
  const submit = () => add.mutate({ body, reply_to: replyTo?.id ?? null }, {
    onSuccess: () => { setBody(''); feedback.ok(t(replyTo ? 'comments.replied' : 'comments.posted')); onDone?.(); },
    onError: (e) => feedback.fail(e),
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }} size={6}>
      <MentionBox record={record} value={body} onChange={setBody} autoFocus={autoFocus}
        placeholder={replyTo ? t('comments.replyPlaceholder', { name: replyTo.author_name }) : t('comments.placeholder')} />
      <Space wrap>
        <Button type="primary" size={replyTo ? 'small' : 'middle'} loading={add.isPending}
          disabled={!body.trim()} onClick={submit}>
          {t(replyTo ? 'comments.reply' : 'comments.post')}
        </Button>
        {onDone && <Button size="small" onClick={onDone}>{t('comments.cancel')}</Button>}
        {!replyTo && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('comments.mentionHint')}</Typography.Text>}
      </Space>
    </Space>
  );
}

function CommentItem({ record, comment, onReply }: { record: RecordRef; comment: CommentRead; onReply: () => void }) {
  const { t } = useT();
  const feedback = useApiFeedback();
  const edit = useEditComment(record);
  const remove = useDeleteComment(record);
  const [editing, setEditing] = useState<string | null>(null);
  const editable = comment.editable_until !== null && comment.editable_until !== undefined
    && dayjs(comment.editable_until).isAfter(dayjs());
  const when = dayjs(comment.created_at).format('YYYY-MM-DD HH:mm');
  return (
    <div data-testid="comment" data-comment-id={comment.id} style={{ padding: '8px 0' }}>
      <Space size={8} wrap style={{ marginBottom: 2 }}>
        <Typography.Text strong>{comment.author_name}</Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{when}</Typography.Text>
        {comment.edited_at && !comment.deleted && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('comments.edited')}</Typography.Text>
        )}
      </Space>
      {comment.deleted ? (
        <div><Typography.Text type="secondary" italic>{t('comments.deleted')}</Typography.Text></div>
      ) : editing !== null ? (
        <Space direction="vertical" style={{ width: '100%' }} size={6}>
          <MentionBox record={record} value={editing} onChange={setEditing} placeholder={t('comments.editPlaceholder')} autoFocus />
          <Space>
            <Button type="primary" size="small" loading={edit.isPending} disabled={!editing.trim()}
              onClick={() => edit.mutate({ comment, body: editing }, {
                onSuccess: () => { setEditing(null); feedback.ok(t('comments.saved')); },
                onError: (e) => feedback.fail(e),
              })}>{t('comments.save')}</Button>
            <Button size="small" onClick={() => setEditing(null)}>{t('comments.cancel')}</Button>
          </Space>
        </Space>
      ) : (
        <div><CommentText text={comment.body} /></div>
      )}
      {!comment.deleted && editing === null && (
        <Space size={4} style={{ marginTop: 2 }}>
          <Button type="link" size="small" style={{ paddingInline: 0 }} onClick={onReply}>{t('comments.reply')}</Button>
          {editable && (
            <>
              <Button type="link" size="small" onClick={() => setEditing(comment.body)}>{t('comments.edit')}</Button>
              <Popconfirm title={t('comments.confirmDelete')} okText={t('comments.delete')} cancelText={t('comments.cancel')}
                onConfirm={() => remove.mutate(comment, {
                  onSuccess: () => feedback.ok(t('comments.removed')), onError: (e) => feedback.fail(e),
                })}>
                <Button type="link" size="small" danger loading={remove.isPending}>{t('comments.delete')}</Button>
              </Popconfirm>
            </>
          )}
        </Space>
      )}
    </div>
  );
}

function Thread({ record, root }: { record: RecordRef; root: CommentRead }) {
  const [replying, setReplying] = useState<CommentRead | null>(null);
  const replies = root.replies ?? [];
  return (
    <div data-testid="comment-thread" style={{ borderBottom: '1px solid #f0f0f0' }}>
      <CommentItem record={record} comment={root} onReply={() => setReplying(root)} />
      {(replies.length > 0 || replying) && (
        <div style={{ marginLeft: 16, paddingLeft: 12, borderLeft: '2px solid #f0f0f0', marginBottom: 8 }}>
          {replies.map((r) => <CommentItem key={r.id} record={record} comment={r} onReply={() => setReplying(r)} />)}
          {replying && <Composer record={record} replyTo={replying} onDone={() => setReplying(null)} autoFocus />}
        </div>
      )}
    </div>
  );
}

export function CommentsPanel(props: RecordRef) {
  const { t } = useT();
  const record: RecordRef = { service: props.service, kind: props.kind, id: props.id };
  const comments = useComments(record);
  const threads = comments.data ?? [];
  return (
    <div data-testid="comments-panel">
      {comments.isPending ? <Skeleton active paragraph={{ rows: 3 }} /> : comments.error ? <ErrorAlert error={comments.error} /> : (
        threads.length === 0
          ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('comments.empty')} />
          : threads.map((c) => <Thread key={c.id} record={record} root={c} />)
      )}
      <div style={{ marginTop: 12 }}>
        <Composer record={record} />
      </div>
    </div>
  );
}
