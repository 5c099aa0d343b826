import { useState } from 'react';
import { Alert, Button, Card, Result, Space, Table, Typography, Upload } from 'antd';
import { DownloadOutlined, EditOutlined, UploadOutlined } from '@ant-design/icons';
import type { UploadFile } from 'antd';
import { Link } from 'react-router-dom';
import { measurementTemplateUrl, useImportMeasurements } from '../../api/kpi';
import { downloadWithToken } from '../../api/download';
import type { ImportReport, ImportRowError } from '../../api/types';
import { useApiFeedback } from '../../app/feedback';
import { useT } from '../../i18n';

export default function ImportPage() {
  const { t } = useT();
  const feedback = useApiFeedback();
  const run = useImportMeasurements();
  const [file, setFile] = useState<File | null>(null);
  const [fileList, setFileList] = useState<UploadFile[]>([]);
  const [preview, setPreview] = useState<ImportReport | null>(null);
  const [done, setDone] = useState<ImportReport | null>(null);
  const reset = () => { setPreview(null); setDone(null); };
  const template = async (format: 'xlsx' | 'csv') => {
    const err = await downloadWithToken(measurementTemplateUrl(format), `measurements-template.${format}`);
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
  const previewRows = (preview?.preview ?? []) as Record<string, unknown>[];
  const previewCols = Array.from(new Set(previewRows.flatMap((r) => Object.keys(r))));
  const hasErrors = (preview?.errors.length ?? 0) > 0;
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('kpi.importTitle')}</Typography.Title>
        <Space>
          <Link to="/kpi/measurements/new"><Button icon={<EditOutlined />}>{t('kpi.manualEntry')}</Button></Link>
          <Button icon={<DownloadOutlined />} onClick={() => void template('xlsx')}>{t('kpi.templateXlsx')}</Button>
          <Button icon={<DownloadOutlined />} onClick={() => void template('csv')}>{t('kpi.templateCsv')}</Button>
        </Space>
      </Space>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>{t('kpi.importHelp')}</Typography.Paragraph>
        <Space wrap align="start">
          <Upload accept=".csv,.xlsx" maxCount={1} fileList={fileList}
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
            <Table<ImportRowError> size="small" rowKey={(e) => `${e.row}:${e.column}:${e.message}`} dataSource={preview.errors} pagination={{ pageSize: 20, hideOnSinglePage: true }} style={{ marginBottom: 12 }}
              columns={[
                { title: t('kpi.row'), dataIndex: 'row', width: 70 },
                { title: t('kpi.column'), dataIndex: 'column', width: 160 },
                { title: t('kpi.message'), dataIndex: 'message' },
              ]} />
          )}
          {previewRows.length > 0 && (
            <Table<Record<string, unknown>> size="small" rowKey={(r) => String(r.row ?? JSON.stringify(r))} dataSource={previewRows} pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: true }}
              columns={previewCols.map((c) => ({ title: c, dataIndex: c, render: (v: unknown) => (v === null || v === undefined ? '—' : String(v)) }))} />
          )}
        </Card>
      )}
      {done && (
        <Result status="success" title={t('kpi.importDone')}
          subTitle={t('kpi.importCounts', { rows: done.rows, created: done.created ?? 0, updated: done.updated ?? 0, unchanged: done.unchanged ?? 0 })}
          extra={<Link to="/kpi">{t('kpi.toDashboard')}</Link>} />
      )}
    </div>
  );
}
