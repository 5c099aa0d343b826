/** 我的培训: my training records (and their workbook), my certificates with their expiry, and my training needs
 * (from my position's job requirements, my assessments, or entered by my managers). */
import { Button, Card, Space, Table, Tag, Typography } from 'antd';
import { recordsExportUrl, useCertifications, useTrainingNeeds, useTrainingRecords } from '../../../api/training';
import type { CertificationRead, TrainingNeedRead, TrainingRecordRead } from '../../../api/types';
import { downloadWithToken } from '../../../api/download';
import { useApiFeedback } from '../../../app/feedback';
import { ErrorAlert } from '../../../components/common';
import { useT } from '../../../i18n';
import { certificateColor } from './training';

export function CertificateTable({ items, loading, showPerson, emptyText }: {
  items: CertificationRead[]; loading: boolean; showPerson?: boolean; emptyText: string;
}) {
  const { t } = useT();
  return (
    <Table<CertificationRead> size="small" rowKey="id" loading={loading} dataSource={items} pagination={false}
      locale={{ emptyText }} scroll={{ x: 'max-content' }}
      columns={[
        ...(showPerson ? [{ title: t('training.person'), dataIndex: 'user_name' }, { title: t('training.unit'), dataIndex: 'unit_name' }] : []),
        { title: t('training.certName'), dataIndex: 'name' },
        { title: t('training.certNumber'), dataIndex: 'number' },
        { title: t('training.issuedOn'), dataIndex: 'issued_on' },
        { title: t('training.expiresOn'), dataIndex: 'expires_on', render: (d: string | null) => d ?? t('training.noExpiry') },
        { title: t('training.daysLeft'), dataIndex: 'days_left', render: (n: number | null) => (n === null ? '—' : n < 0 ? t('training.expiredN', { n: -n }) : t('training.daysLeftN', { n })) },
        { title: '', dataIndex: 'status', render: (s: string) => <Tag color={certificateColor(s)}>{t(`training.certStatus.${s}`)}</Tag> },
      ]} />
  );
}

export default function MyTrainingPage() {
  const { t } = useT();
  const records = useTrainingRecords();
  const certs = useCertifications();
  const needs = useTrainingNeeds();
  const feedback = useApiFeedback();
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('training.mineTitle')}</Typography.Title>
      <ErrorAlert error={records.error ?? certs.error ?? needs.error} />
      <Space direction="vertical" style={{ width: '100%' }} size={12}>
        <Card size="small" title={t('training.records')} extra={
          <Button size="small" onClick={async () => {
            const err = await downloadWithToken(recordsExportUrl, t('training.exportName'));
            if (err) feedback.fail(err);
          }}>{t('training.export')}</Button>}>
          <Table<TrainingRecordRead> size="small" rowKey="id" loading={records.isPending} dataSource={records.data?.items ?? []}
            pagination={false} locale={{ emptyText: t('training.noRecords') }} scroll={{ x: 'max-content' }}
            columns={[
              { title: t('training.heldOn'), dataIndex: 'held_on' },
              { title: t('training.course'), dataIndex: 'course_title' },
              { title: t('training.courseKind'), dataIndex: 'course_kind', render: (k: string) => t(`training.kind.${k}`) },
              { title: t('training.hours'), dataIndex: 'hours' },
              { title: t('training.trainer'), dataIndex: 'trainer_name' },
              { title: t('training.attended'), dataIndex: 'attended', render: (a: boolean) => (a ? <Tag color="green">{t('training.attended')}</Tag> : <Tag color="orange">{t('training.absent')}</Tag>) },
              { title: t('training.result'), render: (_, r) => (r.result ? <Tag color={r.result === 'pass' ? 'blue' : 'red'}>{t(`training.${r.result}`)}{r.score != null ? ` ${r.score}` : ''}</Tag> : r.attended ? t('training.notAssessed') : '—') },
            ]} />
        </Card>
        <Card size="small" title={t('training.certifications')}>
          <CertificateTable items={certs.data?.items ?? []} loading={certs.isPending} emptyText={t('training.noCertifications')} />
        </Card>
        <Card size="small" title={t('training.needs')}>
          <Table<TrainingNeedRead> size="small" rowKey={(n) => `${n.source}-${n.id ?? ''}-${n.course}`} loading={needs.isPending}
            dataSource={needs.data?.items ?? []} pagination={false} locale={{ emptyText: t('training.noNeeds') }} scroll={{ x: 'max-content' }}
            columns={[
              { title: t('training.course'), dataIndex: 'course' },
              { title: t('training.needSourceLabel'), dataIndex: 'source', render: (s: string) => t(`training.needSource.${s}`) },
              { title: t('training.reason'), dataIndex: 'reason' },
              { title: '', dataIndex: 'met', render: (m: boolean) => (m ? <Tag color="green">{t('training.met')}</Tag> : <Tag color="orange">{t('training.unmet')}</Tag>) },
            ]} />
        </Card>
      </Space>
    </div>
  );
}
