/** 考核模板: the scorecard templates the user may see; for holders of assess over a template's
 * unit: assessment runs, changes in place, copies, and deleting one no assessment used. */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { App, Button, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { ApiError } from '../../api/errors';
import { useDeleteScorecard, useScorecards, type ScorecardRead } from '../../api/kpi';
import { useApiFeedback } from '../../app/feedback';
import { useSession } from '../../app/session';
import { ErrorAlert, useUnitNames } from '../../components/common';
import { useT } from '../../i18n';
import { GRADE_COLORS, gradesDesc } from './assessmentView';
import { canOver } from '../../app/grants';
import { NewAssessmentModal } from './NewAssessmentModal';
import { ScorecardDetail } from './ScorecardDetail';

export default function ScorecardsPage() {
  const { t } = useT();
  const { access, me } = useSession();
  const { modal } = App.useApp();
  const cards = useScorecards();
  const units = useUnitNames();
  const remove = useDeleteScorecard();
  const feedback = useApiFeedback();
  // whether a unit is assessable is checked in the forms; any assess grant may start one somewhere
  const assessor = access.rights.has('assess');
  // changing or deleting a template needs assess over its own unit
  const owns = (c: ScorecardRead) => canOver(me?.grants, 'assess', c.unit_path);
  const [running, setRunning] = useState<number | null>(null);

  const doDelete = async (c: ScorecardRead) => {
    try {
      await remove.mutateAsync(c);
      feedback.ok(t('kpi.scorecardDeleted', { name: c.name }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        modal.warning({ title: t('kpi.scorecardInUse', { name: c.name }), content: err.detail });
      } else {
        feedback.fail(err);
      }
    }
  };
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('kpi.scorecardsTitle')}</Typography.Title>
        <Space>
          <Link to="/kpi/assessments"><Button>{t('kpi.assessmentsTitle')}</Button></Link>
          {assessor && <Link to="/kpi/scorecards/new"><Button type="primary" icon={<PlusOutlined />}>{t('kpi.newScorecard')}</Button></Link>}
        </Space>
      </Space>
      <ErrorAlert error={cards.error} />
      <Table<ScorecardRead> size="small" rowKey="id" loading={cards.isPending} dataSource={cards.data?.items ?? []} pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('kpi.noScorecards') }} scroll={{ x: 1000 }}
        expandable={{ expandedRowRender: (c) => <ScorecardDetail card={c} /> }}
        columns={[
          { title: t('kpi.name'), dataIndex: 'name' },
          { title: t('common.unit'), dataIndex: 'unit_id', width: 160, render: (id: number) => units.get(id)?.name ?? id },
          { title: t('kpi.subjectKind'), dataIndex: 'subject_kind', width: 90, render: (k: string) => t(`kpi.subjectKinds.${k}`) },
          { title: t('kpi.items'), width: 150, render: (_, c) => {
            const q = c.items.filter((i) => i.kind === 'qualitative').length;
            return t('kpi.itemCounts', { indicators: c.items.length - q, qualitative: q });
          } },
          { title: t('kpi.grades'), width: 190, render: (_, c) => <Space size={2} wrap>{gradesDesc(c.grades).map((g) => <Tag key={g.grade} color={GRADE_COLORS[g.grade]}>{g.grade}≥{g.min}</Tag>)}</Space> },
          { title: '', width: 290, render: (_, c) => assessor && (
            <Space size={4} wrap>
              <Button size="small" type="primary" onClick={() => setRunning(c.id)}>{t('kpi.startAssessment')}</Button>
              {owns(c) && <Link to={`/kpi/scorecards/${c.id}/edit`}><Button size="small">{t('kpi.edit')}</Button></Link>}
              <Link to={`/kpi/scorecards/new?from=${c.id}`}><Button size="small">{t('kpi.copyScorecard')}</Button></Link>
              {owns(c) && (
                <Popconfirm title={t('kpi.deleteScorecardConfirm', { name: c.name })} description={t('kpi.deleteScorecardHint')}
                  okText={t('kpi.remove')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={() => doDelete(c)}>
                  <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('kpi.deleteScorecard')} title={t('kpi.deleteScorecard')} />
                </Popconfirm>
              )}
            </Space>
          ) },
        ]} />
      <NewAssessmentModal open={running !== null} scorecardId={running ?? undefined} onClose={() => setRunning(null)} />
    </div>
  );
}
