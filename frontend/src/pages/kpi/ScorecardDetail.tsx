/** A scorecard template read-only: its weighted items with their scoring rules, grade bands and
 * the rewards / penalties per grade. Shown under a row of the templates list. */
import { Descriptions, Space, Table, Tag, Typography } from 'antd';
import type { ScorecardItem, ScorecardRead } from '../../api/kpi';
import { IndicatorName } from '../../components/Indicator';
import { useT } from '../../i18n';
import { GRADE_COLORS, gradesDesc, ruleText } from './assessmentView';
import { OutcomeTags } from './OutcomeTags';

export function ScorecardDetail({ card }: { card: ScorecardRead }) {
  const { t } = useT();
  const outcomes = Object.entries(card.outcomes);
  return (
    <div style={{ padding: '4px 0' }}>
      <Table<ScorecardItem> size="small" rowKey="key" pagination={false} dataSource={card.items} style={{ marginBottom: 8 }}
        columns={[
          { title: t('kpi.itemKind'), dataIndex: 'kind', width: 90, render: (k: string) => <Tag>{t(`kpi.itemKinds.${k}`)}</Tag> },
          { title: t('kpi.item'), render: (_, l) => <Space size={4}>{l.name && <span>{l.name}</span>}{l.indicator_code && <Typography.Text type="secondary"><IndicatorName code={l.indicator_code} /></Typography.Text>}</Space> },
          { title: t('kpi.weight'), dataIndex: 'weight', width: 70, align: 'right', render: (w: number) => `${w}%` },
          { title: t('kpi.scoringRule'), render: (_, l) => (l.kind === 'qualitative' ? t('kpi.outOf', { n: l.max_score }) : ruleText(l.rule, t)) },
        ]} />
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('kpi.grades')}>
          <Space size={4} wrap>{gradesDesc(card.grades).map((g) => <Tag key={g.grade} color={GRADE_COLORS[g.grade]}>{g.grade} ≥ {g.min}</Tag>)}</Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('kpi.outcomes')}>
          <Space direction="vertical" size={2}>
            {outcomes.length === 0 ? '—' : outcomes.map(([grade, list]) => (
              <Space key={grade} size={4}><Tag color={GRADE_COLORS[grade]}>{grade}</Tag><OutcomeTags outcomes={list} /></Space>
            ))}
          </Space>
        </Descriptions.Item>
      </Descriptions>
    </div>
  );
}
