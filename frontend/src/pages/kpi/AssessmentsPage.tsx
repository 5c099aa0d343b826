/** 考核结果: assessment runs the user may see, with total, grade and rewards / penalties. */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Button, Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useAssessments, type AssessmentRead } from '../../api/kpi';
import { useSession } from '../../app/session';
import { ErrorAlert, UnitSelect } from '../../components/common';
import { fmtNum } from '../../charts/kpi';
import { useT } from '../../i18n';
import { ASSESSMENT_STATUS_COLOR, GRADE_COLORS } from './assessmentView';
import { NewAssessmentModal } from './NewAssessmentModal';
import { OutcomeTags } from './OutcomeTags';
import { isPeriod } from './period';

export default function AssessmentsPage() {
  const { t } = useT();
  const { access } = useSession();
  const [unit, setUnit] = useState<number | undefined>();
  const [period, setPeriod] = useState<string | undefined>();
  const [periodText, setPeriodText] = useState('');
  const [status, setStatus] = useState<string | undefined>();
  const [cursor, setCursor] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const list = useAssessments({ unit_id: unit, period, status, cursor });
  const periodOk = !periodText || isPeriod(periodText);
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('kpi.assessmentsTitle')}</Typography.Title>
        <Space wrap>
          <UnitSelect allowClear value={unit} onChange={(v) => { setUnit(v); setCursor(undefined); }} style={{ width: 200 }} />
          <Input.Search allowClear aria-label={t('kpi.period')} placeholder={t('kpi.period')} value={periodText} status={periodOk ? undefined : 'error'} style={{ width: 150 }}
            onChange={(e) => setPeriodText(e.target.value)} onSearch={(v) => { if (!v || isPeriod(v)) { setPeriod(v.trim() || undefined); setCursor(undefined); } }} />
          <Select allowClear placeholder={t('kpi.assessmentStatus')} aria-label={t('kpi.assessmentStatus')} value={status} style={{ width: 120 }}
            onChange={(v) => { setStatus(v); setCursor(undefined); }}
            options={['draft', 'finalized'].map((s) => ({ value: s, label: t(`kpi.assessmentStatuses.${s}`) }))} />
          <Link to="/kpi/scorecards"><Button>{t('kpi.scorecardsTitle')}</Button></Link>
          {access.rights.has('assess') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('kpi.newAssessment')}</Button>}
        </Space>
      </Space>
      <ErrorAlert error={list.error} />
      <Table<AssessmentRead> size="small" rowKey="id" loading={list.isPending} dataSource={list.data?.items ?? []} pagination={false} scroll={{ x: 1100 }}
        locale={{ emptyText: t('kpi.noAssessments') }}
        columns={[
          { title: t('kpi.subject'), render: (_, a) => (
            <Link to={`/kpi/assessments/${a.id}`}>{a.unit_name || a.unit_path}{a.person_name ? ` · ${a.person_name}` : ''}</Link>
          ) },
          { title: t('kpi.scorecard'), dataIndex: 'scorecard_name', render: (name: string, a) => name || `#${a.scorecard_id}` },
          { title: t('kpi.period'), dataIndex: 'period', width: 90 },
          { title: t('kpi.assessmentKind'), dataIndex: 'kind', width: 90, render: (k: string) => t(`kpi.assessmentKinds.${k}`) },
          { title: t('kpi.assessmentStatus'), dataIndex: 'status', width: 90, render: (s: string) => <Tag color={ASSESSMENT_STATUS_COLOR[s] ?? 'default'}>{t(`kpi.assessmentStatuses.${s}`)}</Tag> },
          { title: t('kpi.total'), dataIndex: 'total', width: 120, align: 'right', render: (v: number | null, a) => (
            <Space size={4}>{a.incomplete && <Tooltip title={t('kpi.weightCounted', { pct: fmtNum(a.weight_counted, 0) })}><Tag color="orange">{t('kpi.incomplete')}</Tag></Tooltip>}{fmtNum(v, 1)}</Space>) },
          { title: t('kpi.grade'), dataIndex: 'grade', width: 110, render: (g: string | null, a) => (g ? <Space size={2}><Tag color={GRADE_COLORS[g]}>{g}</Tag>{a.vetoed && <Tag color="red">{t('kpi.vetoed')}</Tag>}</Space> : '—') },
          { title: t('kpi.outcomes'), width: 240, render: (_, a) => (a.status === 'finalized' ? <OutcomeTags outcomes={a.outcomes} /> : '—') },
        ]} />
      <Space style={{ marginTop: 8 }}>
        <Button size="small" disabled={!cursor} onClick={() => setCursor(undefined)}>{t('common.previous')}</Button>
        <Button size="small" disabled={!list.data?.next_cursor} onClick={() => setCursor(list.data?.next_cursor ?? undefined)}>{t('common.next')}</Button>
      </Space>
      <NewAssessmentModal open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}
