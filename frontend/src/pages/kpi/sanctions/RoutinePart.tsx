/** An annual assessment's routine part (document 003): the year's finalised routine assessments, one by one,
 * and how they roll into the total by the scorecard's weight. */
import { Link } from 'react-router-dom';
import { Card, Table, Tag, Typography } from 'antd';
import type { components } from '../../../api/schema';
import { fmtNum } from '../../../charts/kpi';
import { useT } from '../../../i18n';
import { GRADE_COLORS } from '../assessmentView';

type RoutinePart = components['schemas']['kpi.RoutinePart'];
type RoutineResult = components['schemas']['kpi.RoutineResult'];

export function RoutinePartCard({ part, total, finalized }: { part: RoutinePart; total: number | null; finalized: boolean }) {
  const { t } = useT();
  const formula = part.average != null && part.own_total != null
    ? t('sanctions.routineFormula', { own: fmtNum(part.own_total, 1), ownPct: fmtNum(100 - part.weight, 0), avg: fmtNum(part.average, 1), weight: fmtNum(part.weight, 0), total: fmtNum(total, 1) })
    : t('sanctions.routineNone');
  return (
    <Card size="small" style={{ marginTop: 12 }} title={t('sanctions.routineTitle', { weight: fmtNum(part.weight, 0) })} data-testid="assessment-routine">
      <Typography.Paragraph style={{ marginBottom: 8 }}>{formula}</Typography.Paragraph>
      {part.assessments.length > 0 && (
        <Table<RoutineResult> size="small" rowKey="id" pagination={false} dataSource={part.assessments} scroll={{ x: 420 }}
          columns={[
            { title: t('kpi.period'), dataIndex: 'period', width: 100, render: (p: string, r) => <Link to={`/kpi/assessments/${r.id}`}>{p}</Link> },
            { title: t('kpi.scorecard'), dataIndex: 'scorecard_name' },
            { title: t('kpi.total'), dataIndex: 'total', width: 90, align: 'right', render: (v: number | null) => fmtNum(v, 1) },
            { title: t('kpi.grade'), dataIndex: 'grade', width: 70, render: (g: string | null) => (g ? <Tag color={GRADE_COLORS[g]}>{g}</Tag> : '—') },
          ]}
          summary={() => (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={2}>{t('sanctions.routineAverage')}</Table.Summary.Cell>
              <Table.Summary.Cell index={2} align="right">{fmtNum(part.average, 1)}</Table.Summary.Cell>
              <Table.Summary.Cell index={3} />
            </Table.Summary.Row>
          )} />
      )}
      {finalized && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('sanctions.routineKept')}</Typography.Text>}
    </Card>
  );
}
