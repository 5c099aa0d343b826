import { useState } from 'react';
import { Alert, Button, Grid, List, Modal, Space, Table, Tag, Typography, Upload } from 'antd';
import { DownloadOutlined, InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { orgExportUrl, useApplyOrgImport, useDiscardOrgImport, useStageOrgImport } from '../../api/org';
import { downloadWithToken } from '../../api/download';
import type { OrgImportChange, OrgImportError, OrgImportRead } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';
import { changeText, countRows, importStage, totals, type CountRow } from './orgImport';

/** 导出 Excel / 导入 Excel on the org tree: export what the user may see; import as upload → preview → 确认导入 or 放弃. */
export default function OrgExchange({ isAdmin, unitId, unitName }: { isAdmin: boolean; unitId?: number; unitName?: string }) {
  const { t } = useT();
  const feedback = useApiFeedback();
  const stage = useStageOrgImport();
  const apply = useApplyOrgImport();
  const discard = useDiscardOrgImport();
  const [open, setOpen] = useState(false);
  const [preview, setPreview] = useState<OrgImportRead | null>(null);
  const scoped = !isAdmin;
  const exportIt = async () => {
    const err = await downloadWithToken(orgExportUrl(scoped ? unitId : undefined), t('org.exchange.fileName'));
    if (err) feedback.fail(err);
  };
  const upload = async (file: File) => {
    try {
      setPreview(await stage.mutateAsync(file));
    } catch (err) {
      feedback.fail(err);
    }
  };
  const close = () => { setOpen(false); setPreview(null); };
  const giveUp = async () => {
    if (preview && preview.status === 'staged') {
      try { await discard.mutateAsync(preview.id); } catch (err) { feedback.fail(err); return; }
    }
    close();
  };
  const confirm = async () => {
    if (!preview) return;
    try {
      const done = await apply.mutateAsync(preview);
      const n = totals(done);
      feedback.ok(t('org.exchange.applied', { create: n.create, update: n.update }));
      close();
    } catch (err) {
      feedback.fail(err);
    }
  };
  const stageOf = preview ? importStage(preview) : null;
  return (
    <>
      <Space wrap>
        <Button icon={<DownloadOutlined />} disabled={scoped && unitId === undefined} onClick={() => void exportIt()}
          title={scoped ? t('org.exchange.exportScoped', { unit: unitName ?? '' }) : undefined}>
          {scoped && unitName ? t('org.exchange.exportUnit', { unit: unitName }) : t('org.exchange.export')}
        </Button>
        {isAdmin && <Button icon={<UploadOutlined />} onClick={() => setOpen(true)}>{t('org.exchange.import')}</Button>}
      </Space>
      <Modal open={open} width={1000} title={t('org.exchange.importTitle')} onCancel={() => void giveUp()} destroyOnHidden
        footer={preview ? [
          <Button key="discard" onClick={() => void giveUp()} loading={discard.isPending}>{t('org.exchange.discard')}</Button>,
          <Button key="apply" type="primary" disabled={stageOf !== 'ready'} loading={apply.isPending} onClick={() => void confirm()}>
            {t('org.exchange.confirm')}
          </Button>,
        ] : null}>
        {!preview && (
          <Upload.Dragger accept=".xlsx" maxCount={1} showUploadList={false} disabled={stage.isPending}
            beforeUpload={(f) => { void upload(f); return false; }}>
            <p className="ant-upload-drag-icon"><InboxOutlined /></p>
            <p className="ant-upload-text">{stage.isPending ? t('org.exchange.checking') : t('org.exchange.drop')}</p>
            <p className="ant-upload-hint">{t('org.exchange.hint')}</p>
          </Upload.Dragger>
        )}
        {preview && <Preview preview={preview} />}
      </Modal>
    </>
  );
}

function Preview({ preview }: { preview: OrgImportRead }) {
  const { t } = useT();
  const stage = importStage(preview);
  const narrow = !Grid.useBreakpoint().md; // a phone: sentences, not tables wider than the screen
  const opTag = (op: string) => <Tag color={op.endsWith('create') ? 'green' : 'blue'}>{t(`org.exchange.ops.${op.replace('.', '_')}`)}</Tag>;
  return (
    <div>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {preview.filename} · {preview.note}
      </Typography.Paragraph>
      {stage === 'errors' && <Alert type="error" showIcon style={{ marginBottom: 12 }}
        message={t('org.exchange.hasErrors', { n: preview.errors.length })} />}
      {stage === 'nothing' && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('org.exchange.nothing')} />}
      {stage === 'ready' && <Alert type="success" showIcon style={{ marginBottom: 12 }}
        message={t('org.exchange.ready', totals(preview))} />}
      <Table<CountRow> size="small" rowKey="sheet" pagination={false} dataSource={countRows(preview.counts)} style={{ marginBottom: 8 }}
        scroll={{ x: true }}
        columns={[
          { title: t('org.exchange.sheet'), dataIndex: 'sheet', render: (s: string) => t(`org.exchange.sheets.${s}`) },
          { title: t('org.exchange.create'), dataIndex: 'create' },
          { title: t('org.exchange.update'), dataIndex: 'update' },
          { title: t('org.exchange.unchanged'), dataIndex: 'unchanged' },
          { title: t('org.exchange.errors'), dataIndex: 'errors', render: (n: number) => (n ? <Tag color="red">{n}</Tag> : 0) },
        ]} />
      <Typography.Paragraph type="secondary">
        {t('org.exchange.assignments', { create: preview.counts.assignments.create, update: preview.counts.assignments.update })}
      </Typography.Paragraph>
      {preview.errors.length > 0 && (
        <>
          <Typography.Title level={5}>{t('org.exchange.errorsTitle')}</Typography.Title>
          {narrow ? (
            <List<OrgImportError> size="small" dataSource={preview.errors} style={{ marginBottom: 12 }}
              pagination={preview.errors.length > 10 ? { pageSize: 10, size: 'small' } : false}
              renderItem={(e) => <List.Item><Typography.Text type="danger">{e.text}</Typography.Text></List.Item>} />
          ) : (
            <Table<OrgImportError> size="small" rowKey={(e) => `${e.sheet}:${e.row}:${e.column}`} dataSource={preview.errors}
              pagination={{ pageSize: 10, hideOnSinglePage: true }} scroll={{ x: 560 }} style={{ marginBottom: 12 }}
              columns={[
                { title: t('org.exchange.sheet'), dataIndex: 'sheet_label', width: 90 },
                { title: t('org.exchange.row'), dataIndex: 'row', width: 60 },
                { title: t('org.exchange.column'), dataIndex: 'column_label', width: 110 },
                { title: t('org.exchange.problem'), dataIndex: 'message' },
              ]} />
          )}
        </>
      )}
      {preview.changes.length > 0 && (
        <>
          <Typography.Title level={5}>{t('org.exchange.changesTitle')}</Typography.Title>
          {narrow ? (
            <List<OrgImportChange> size="small" dataSource={preview.changes}
              pagination={preview.changes.length > 10 ? { pageSize: 10, size: 'small' } : false}
              renderItem={(c) => (
                <List.Item>
                  <div>
                    <div>{opTag(c.op)} <Typography.Text strong>{c.key}</Typography.Text>{' '}
                      <Typography.Text type="secondary">{t('org.exchange.where', { sheet: c.sheet_label, row: c.row })}</Typography.Text></div>
                    {changeText(c).map((line) => <div key={line}>{line}</div>)}
                  </div>
                </List.Item>
              )} />
          ) : (
            <Table<OrgImportChange> size="small" rowKey={(c) => `${c.op}:${c.row}:${c.key}`} dataSource={preview.changes}
              pagination={{ pageSize: 10, hideOnSinglePage: true }} scroll={{ x: 760 }}
              columns={[
                { title: t('org.exchange.sheet'), dataIndex: 'sheet_label', width: 90 },
                { title: t('org.exchange.row'), dataIndex: 'row', width: 60 },
                { title: t('org.exchange.action'), dataIndex: 'op', width: 110,
                  render: (op: string) => opTag(op) },
                { title: t('org.exchange.object'), dataIndex: 'key', width: 180 },
                { title: t('org.exchange.what'), key: 'fields',
                  render: (_: unknown, c: OrgImportChange) => changeText(c).map((line) => <div key={line}>{line}</div>) },
              ]} />
          )}
        </>
      )}
    </div>
  );
}
