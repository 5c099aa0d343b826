import { Tag, Typography } from 'antd';
import type { ImprovementActionRead } from '../../api/types';
import { useT } from '../../i18n';
import { useWhoName } from './people';

type Entry = ImprovementActionRead['evidence'][number];

/** The evidence record keeps free-form entries: progress reports, evidence given on completion,
 * verdicts of whoever raised the action. Read each field for what it is. */
function entryOf(e: Entry) {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const url = text(e.url);
  return {
    note: text(e.note),
    url: /^https?:\/\//.test(url) ? url : null,
    by: text(e.by) || null,
    at: text(e.at) ? new Date(text(e.at)).toLocaleString() : '',
    progress: e.kind === 'progress' && typeof e.progress === 'number' ? e.progress : null,
    verdict: e.verdict === 'accepted' || e.verdict === 'sent back' ? e.verdict : null,
  };
}

/** An action's record, oldest first: progress reports, completion evidence, verdicts. */
export function EvidenceList({ evidence }: { evidence: Entry[] }) {
  const { t } = useT();
  const who = useWhoName();
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="action-evidence">
      {evidence.map((raw, i) => {
        const e = entryOf(raw);
        const verdict = e.verdict === 'accepted' ? t('kpi.accept') : e.verdict === 'sent back' ? t('kpi.sendBack') : null;
        return (
          <li key={i} style={{ marginBottom: 2 }}>
            {e.progress !== null && <Tag color="blue" data-testid="evidence-progress">{t('kpi.progressEntry', { n: e.progress })}</Tag>}
            {verdict && <strong>{verdict}{e.note ? ': ' : ''}</strong>}{e.note}
            {e.url && <> · <a href={e.url} target="_blank" rel="noreferrer">{e.url}</a></>}
            <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 8 }}>{[who(e.by), e.at].filter(Boolean).join(' · ')}</Typography.Text>
          </li>
        );
      })}
    </ul>
  );
}
