/** 人员编制: people against plan for a unit and the units below it — planned headcount (from plans' people
 * lines), actual headcount (people holding positions), vacancies and the spare-staff ratio 备员率 against the
 * 10 % the documents ask; the vacant posts; the 人员编制表 export. */
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Button, Card, Col, DatePicker, Row, Segmented, Space, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DownloadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useUnitTree } from '../../../api/org';
import { downloadWithToken } from '../../../api/download';
import { QueryState, UnitSelect } from '../../../components/common';
import { useApiFeedback } from '../../../app/feedback';
import { useSession } from '../../../app/session';
import { useT } from '../../../i18n';
import { useStaffing, useVacancies } from './queries';
import {
  STATUS_COLOR, defaultUnit, exportUrl, gap, neededForTarget, periodText, ratioText, staffingStatus, toTree,
  type Cadence, type StaffingNode, type VacancyRead,
} from './staffing';

export default function StaffingPage() {
  const { t } = useT();
  const feedback = useApiFeedback();
  const tree = useUnitTree();
  const [params, setParams] = useSearchParams();
  const [cadence, setCadence] = useState<Cadence>('month');
  const [day, setDay] = useState<Dayjs>(dayjs());
  const [exporting, setExporting] = useState(false);
  const fromUrl = Number(params.get('unit'));
  const { me } = useSession();
  const unitId = fromUrl > 0 ? fromUrl : defaultUnit(tree.data, me?.grants);
  const period = periodText(cadence, { year: day.year(), month: day.month() + 1 });
  const staffing = useStaffing(unitId, period);
  const vacancies = useVacancies(unitId);
  const target = staffing.data?.target_ratio ?? 10;
  const rows = useMemo(() => toTree(staffing.data?.rows ?? []), [staffing.data]);
  const top = staffing.data?.rows[0];

  const onExport = async () => {
    if (unitId === undefined) return;
    setExporting(true);
    const err = await downloadWithToken(exportUrl(unitId, period), `${t('staffing.fileName')}-${top?.unit_name ?? unitId}.xlsx`);
    setExporting(false);
    if (err) feedback.fail(err);
  };

  const columns: ColumnsType<StaffingNode> = [
    { title: t('staffing.unit'), dataIndex: 'unit_name', key: 'unit', fixed: 'left', width: 200 },
    {
      title: t('staffing.planned'), dataIndex: 'planned', key: 'planned', align: 'right', width: 110,
      render: (v: number | null, r) => (v === null ? <Typography.Text type="secondary">—</Typography.Text>
        : <Tooltip title={r.plan_period ? t('staffing.fromPlan', { period: r.plan_period }) : t('staffing.fromSubunits')}>{v}</Tooltip>),
    },
    { title: t('staffing.actual'), dataIndex: 'actual', key: 'actual', align: 'right', width: 100 },
    {
      title: t('staffing.gap'), key: 'gap', align: 'right', width: 90,
      render: (_, r) => { const g = gap(r); return g === null ? '—' : <Typography.Text type={g < 0 ? 'danger' : undefined}>{g > 0 ? `+${g}` : g}</Typography.Text>; },
    },
    { title: t('staffing.vacancies'), dataIndex: 'vacancies', key: 'vacancies', align: 'right', width: 90 },
    {
      title: <Tooltip title={t('staffing.ratioHint', { target })}>{t('staffing.ratio')}</Tooltip>, dataIndex: 'spare_ratio', key: 'ratio',
      align: 'right', width: 110, render: (v: number | null) => ratioText(v),
    },
    {
      title: t('staffing.status'), key: 'status', width: 170,
      render: (_, r) => {
        const s = staffingStatus(r, target);
        const need = neededForTarget(r, target);
        return (
          <Space size={4} wrap>
            <Tag color={STATUS_COLOR[s]}>{t(`staffing.state.${s}`)}</Tag>
            {need > 0 && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('staffing.needed', { n: need })}</Typography.Text>}
          </Space>
        );
      },
    },
  ];
  const vacancyColumns: ColumnsType<VacancyRead> = [
    { title: t('staffing.unit'), dataIndex: 'unit_name', key: 'unit' },
    { title: t('staffing.post'), dataIndex: 'title', key: 'title' },
    { title: t('staffing.role'), dataIndex: 'role_name', key: 'role' },
    { title: t('staffing.vacantSince'), dataIndex: 'vacant_since', key: 'since', render: (v: string | null) => v ?? t('staffing.neverHeld') },
  ];
  const topStatus = top ? staffingStatus(top, target) : 'noPlan';

  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('staffing.title')}</Typography.Title>
        <Space wrap>
          <UnitSelect value={unitId} onChange={(v) => { if (v !== undefined) setParams({ unit: String(v) }); }} style={{ width: 220 }} />
          <Segmented<Cadence> value={cadence} onChange={setCadence} options={[
            { label: t('staffing.cadence.month'), value: 'month' }, { label: t('staffing.cadence.quarter'), value: 'quarter' },
            { label: t('staffing.cadence.year'), value: 'year' }]} />
          <DatePicker picker={cadence} value={day} allowClear={false} onChange={(d) => d && setDay(d)} aria-label={t('staffing.period')} />
          <Button icon={<DownloadOutlined />} onClick={onExport} loading={exporting} disabled={unitId === undefined}>{t('staffing.export')}</Button>
        </Space>
      </Space>
      <QueryState loading={staffing.isPending && unitId !== undefined} error={staffing.error} empty={!top}>
        {top && (
          <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
            <Col xs={12} md={6}><Card size="small"><Statistic title={t('staffing.planned')} value={top.planned ?? '—'} suffix={top.planned !== null ? t('staffing.people') : undefined} /></Card></Col>
            <Col xs={12} md={6}><Card size="small"><Statistic title={t('staffing.actual')} value={top.actual} suffix={t('staffing.people')} /></Card></Col>
            <Col xs={12} md={6}><Card size="small"><Statistic title={t('staffing.vacancies')} value={top.vacancies} /></Card></Col>
            <Col xs={12} md={6}>
              <Card size="small">
                <Statistic title={t('staffing.ratioWithTarget', { target })} value={ratioText(top.spare_ratio)}
                  valueStyle={{ color: topStatus === 'ok' ? '#389e0d' : topStatus === 'noPlan' ? undefined : '#cf1322' }} />
                <Tag color={STATUS_COLOR[topStatus]} style={{ marginTop: 4 }}>{t(`staffing.state.${topStatus}`)}</Tag>
              </Card>
            </Col>
          </Row>
        )}
        <Card size="small" title={t('staffing.byUnit', { period, asOf: staffing.data?.as_of ?? '' })} style={{ marginBottom: 12 }}>
          <Table<StaffingNode> size="small" rowKey="key" columns={columns} dataSource={rows} pagination={false}
            expandable={{ defaultExpandAllRows: true }} scroll={{ x: 870 }} key={`${unitId}-${period}-${rows.length}`} />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
            {t('staffing.explain', { target })}
          </Typography.Paragraph>
        </Card>
        <Card size="small" title={t('staffing.vacantPosts', { n: vacancies.data?.items.length ?? 0 })}>
          <Table<VacancyRead> size="small" rowKey="position_id" columns={vacancyColumns} dataSource={vacancies.data?.items ?? []}
            loading={vacancies.isPending} pagination={{ pageSize: 10, hideOnSinglePage: true }} scroll={{ x: 520 }}
            locale={{ emptyText: t('staffing.noVacancies') }} />
        </Card>
      </QueryState>
    </div>
  );
}
