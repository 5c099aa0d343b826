import { useState } from 'react';
import { Alert, Button, Card, Result, Space, Table, Typography, Upload } from 'antd';
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import type { UploadFile } from 'antd';
import { Link } from 'react-router-dom';
import { actualsTemplateUrl, useImportActuals, type ActualImportReport } from '../../../api/budgets';
import { downloadWithToken } from '../../../api/download';
import { useApiFeedback } from '../../../app/feedback';
import { useT } from '../../../i18n';
import { fmtYuan } from './execution';

type RowError = ActualImportReport['errors'][number];
type PreviewRow = { row: number; unit_id: number; period: string; item_name: string; amount: number; source: string; ref: string | null };

/** Actual spend from a finance system's export: checked first, then imported whole or not at all. */
export default function ActualsImportPage() {
  const { t } = useT();
  const feedback = useApiFeedback();
  const run = useImportActuals();
  const [file, setFile] = useState<File | null>(null);
  const [fileList, setFileList] = useState<UploadFile[]>([]);
  const [preview, setPreview] = useState<ActualImportReport | null>(null);
  const [done, setDone] = useState<ActualImportReport | null>(null);
  const reset = () => { setPreview(null); setDone(null); };
  const template = async () => {
    const err = await downloadWithToken(actualsTemplateUrl, '实际支出导入模板.xlsx');
    if (err) feedback.fail(err);
  };
  const go = async (isPreview: boolean) => {
    if (!file) return;
    try {
      const report = await run.mutateAsync({ file, preview: isPreview });
      if (isPreview) { setPreview(report); setDone(null); } else { setDone(report); setPreview(null); }
    } catch (err) {
      feedback.fail(err);
    }
  };
  const hasErrors = (preview?.errors.length ?? 0) > 0;
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('budgets.importTitle')}</Typography.Title>
        <Button icon={<DownloadOutlined />} onClick={() => void template()}>{t('budgets.template')}</Button>
      </Space>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>{t('budgets.importHelp')}</Typography.Paragraph>
        <Space wrap align="start">
          <Upload accept=".xlsx,.csv" maxCount={1} fileList={fileList}
            beforeUpload={(f) => { setFile(f); setFileList([{ uid: f.uid, name: f.name, status: 'done' }]); reset(); return false; }}
            onRemove={() => { setFile(null); setFileList([]); reset(); }}>
            <Button icon={<UploadOutlined />}>{t('kpi.chooseFile')}</Button>
          </Upload>
          <Button type="primary" disabled={!file} loading={run.isPending && !preview} onClick={() => void go(true)}>{t('kpi.previewImport')}</Button>
          {preview && <Button type="primary" danger={hasErrors} disabled={hasErrors} loading={run.isPending} onClick={() => void go(false)}>{t('kpi.confirmImport')}</Button>}
        </Space>
      </Card>
      {preview && (
        <Card size="small" title={t('kpi.previewTitle', { rows: preview.rows })} style={{ marginBottom: 12 }}>
          {hasErrors
            ? <Alert type="error" showIcon style={{ marginBottom: 8 }} message={t('kpi.importHasErrors', { n: preview.errors.length })} />
            : <Alert type="success" showIcon style={{ marginBottom: 8 }} message={t('kpi.importClean', { rows: preview.rows })} />}
          {hasErrors && (
            <Table<RowError> size="small" rowKey={(e) => `${e.row}:${e.column}:${e.message}`} dataSource={preview.errors} pagination={{ pageSize: 20, hideOnSinglePage: true }} style={{ marginBottom: 12 }}
              columns={[
                { title: t('kpi.row'), dataIndex: 'row', width: 70 },
                { title: t('kpi.column'), dataIndex: 'column', width: 140 },
                { title: t('kpi.message'), dataIndex: 'message' },
              ]} />
          )}
          <Table<PreviewRow> size="small" rowKey="row" dataSource={preview.preview as PreviewRow[]} pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: 600 }}
            columns={[
              { title: t('kpi.row'), dataIndex: 'row', width: 60 },
              { title: t('budgets.period'), dataIndex: 'period', width: 90 },
              { title: t('budgets.item'), dataIndex: 'item_name' },
              { title: t('budgets.amountYuan'), dataIndex: 'amount', align: 'right', render: (v: number) => fmtYuan(v) },
              { title: t('budgets.source'), dataIndex: 'source' },
              { title: t('budgets.ref'), dataIndex: 'ref', render: (v: string | null) => v ?? '—' },
            ]} />
        </Card>
      )}
      {done && (
        <Result status="success" title={t('kpi.importDone')}
          subTitle={t('kpi.importCounts', { rows: done.rows, created: done.created ?? 0, updated: done.updated ?? 0, unchanged: done.unchanged ?? 0 })}
          extra={<Link to="/kpi/budgets">{t('budgets.toExecution')}</Link>} />
      )}
    </div>
  );
}
