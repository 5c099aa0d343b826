import { Space, Tag } from 'antd';
import type { AssessmentOutcome } from '../../api/kpi';
import { fmtNum } from '../../charts/kpi';
import { useT } from '../../i18n';

/** Rewards in green, penalties in red: 奖金 50,000 · 表彰 · 警告. */
export function OutcomeTags({ outcomes }: { outcomes: AssessmentOutcome[] }) {
  const { t } = useT();
  if (outcomes.length === 0) return <span>—</span>;
  return (
    <Space size={4} wrap>
      {outcomes.map((o, i) => {
        const type = t(`kpi.outcomeTypes.${o.type}`);
        // the demo's notes often repeat the type (警告 · 警告): say it once
        const note = o.note && o.note !== type ? ` · ${o.note}` : '';
        return (
          <Tag key={i} color={o.kind === 'reward' ? 'green' : 'red'} title={o.note || undefined}>
            {type}{o.amount !== null && o.amount !== undefined ? ` ${fmtNum(o.amount, 0)}` : ''}{note}
          </Tag>
        );
      })}
    </Space>
  );
}
