/** The files attached to a record: listed newest first with their type, size, uploader and time; anyone who
 * sees the record attaches files (checked here against the server's limits before sending, and refused by the
 * server in the user's language when it finds more); a file opens through the authorised download; its
 * uploader, or whoever runs the record, removes it after a confirmation. */
import { App, Button, Card, List, Popconfirm, Space, Tooltip, Typography, Upload } from 'antd';
import {
  DeleteOutlined, DownloadOutlined, FileExcelOutlined, FileImageOutlined, FileOutlined, FilePdfOutlined,
  FilePptOutlined, FileTextOutlined, FileWordOutlined, UploadOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import dayjs from 'dayjs';
import { useAttachments, useRemoveAttachment, useUploadAttachment, type AttachmentRead } from '../api/attachments';
import { downloadWithToken } from '../api/download';
import { useApiFeedback } from '../app/feedback';
import { QueryState } from '../components/common';
import { useT } from '../i18n';
import { DEFAULT_MAX_BYTES, fileKind, refusalBeforeUpload, sizeLabel, type FileKind } from './attachmentView';
import type { RecordRef } from './record';

const ICONS: Record<FileKind, ReactNode> = {
  image: <FileImageOutlined />, pdf: <FilePdfOutlined />, word: <FileWordOutlined />, excel: <FileExcelOutlined />,
  powerpoint: <FilePptOutlined />, text: <FileTextOutlined />, other: <FileOutlined />,
};

export function AttachmentsPanel(props: RecordRef) {
  const { service, kind, id } = props;
  const ref: RecordRef = { service, kind, id };
  const { t } = useT();
  const { message } = App.useApp();
  const feedback = useApiFeedback();
  const list = useAttachments(ref);
  const upload = useUploadAttachment(ref);
  const remove = useRemoveAttachment(ref);
  const items = list.data?.items ?? [];
  const maxBytes = list.data?.max_bytes ?? DEFAULT_MAX_BYTES;
  const maxCount = list.data?.max_count ?? 50;
  const full = items.length >= maxCount;

  const download = async (a: AttachmentRead) => {
    const err = await downloadWithToken(a.url, a.name);
    if (err) feedback.fail(err);
  };

  const picker = (
    <Upload
      showUploadList={false}
      multiple={false}
      disabled={full || upload.isPending}
      beforeUpload={(file) => {
        const refused = refusalBeforeUpload(file, { maxBytes, maxCount, count: items.length });
        if (refused) {
          void message.error(t(refused.key, refused.vars));
          return Upload.LIST_IGNORE;
        }
        return true;
      }}
      customRequest={async ({ file, onSuccess, onError }) => {
        try {
          const added = await upload.mutateAsync(file as File);
          feedback.ok(t('attachments.uploaded', { name: added.name }));
          onSuccess?.(added);
        } catch (err) {
          feedback.fail(err);
          onError?.(err as Error);
        }
      }}
    >
      <Tooltip title={full ? t('attachments.full', { count: maxCount }) : undefined}>
        <Button size="small" icon={<UploadOutlined />} loading={upload.isPending} disabled={full}>
          {upload.isPending ? t('attachments.uploading') : t('attachments.upload')}
        </Button>
      </Tooltip>
    </Upload>
  );

  return (
    <Card size="small" title={t('attachments.title')} extra={picker} data-testid="attachments-panel">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
        {t('attachments.hint', { limit: sizeLabel(maxBytes), count: maxCount })}
      </Typography.Paragraph>
      <QueryState loading={list.isLoading} error={list.error} empty={!items.length} emptyText={t('attachments.none')}>
        <List
          size="small"
          dataSource={items}
          rowKey="id"
          renderItem={(a) => {
            const what = fileKind(a.content_type);
            const actions = [
              <Tooltip key="download" title={t('attachments.download')}>
                <Button type="text" size="small" icon={<DownloadOutlined />} aria-label={`${t('attachments.download')} ${a.name}`}
                  onClick={() => void download(a)} />
              </Tooltip>,
            ];
            if (a.can_delete) {
              actions.push(
                <Popconfirm key="remove" title={t('attachments.removeConfirm', { name: a.name })}
                  okText={t('attachments.remove')} okButtonProps={{ danger: true, loading: remove.isPending }}
                  onConfirm={async () => {
                    try {
                      await remove.mutateAsync(a);
                      feedback.ok(t('attachments.removed'));
                    } catch (err) {
                      feedback.fail(err);
                    }
                  }}>
                  <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={`${t('attachments.remove')} ${a.name}`} />
                </Popconfirm>,
              );
            }
            return (
              <List.Item actions={actions}>
                <List.Item.Meta
                  avatar={<span aria-label={t(`attachments.kind.${what}`)} style={{ fontSize: 20 }}>{ICONS[what]}</span>}
                  title={<Typography.Link onClick={() => void download(a)}>{a.name}</Typography.Link>}
                  description={
                    <Space size={12} wrap>
                      <span>{sizeLabel(a.size)}</span>
                      <span>{t('attachments.uploadedBy', {
                        name: a.uploaded_by_name || a.uploaded_by, time: dayjs(a.uploaded_at).format('YYYY-MM-DD HH:mm') })}</span>
                    </Space>
                  }
                />
              </List.Item>
            );
          }}
        />
      </QueryState>
    </Card>
  );
}
