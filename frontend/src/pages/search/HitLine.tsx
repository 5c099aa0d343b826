/** One hit: its name (the English one too where the thing has it), what tells it apart, its unit and status. */
import { Space, Tag, Typography } from 'antd';
import type { SearchHit } from '../../api/search';
import { useT } from '../../i18n';
import { statusKey } from './hits';

export function HitStatus({ hit }: { hit: SearchHit }) {
  const { t } = useT();
  const key = statusKey(hit);
  if (!key) return null;
  const label = t(key);
  return <Tag>{label === key ? hit.status : label}</Tag>;
}

export function HitLine({ hit, compact }: { hit: SearchHit; compact?: boolean }) {
  const { locale } = useT();
  const title = locale === 'en-US' && hit.title_en ? hit.title_en : hit.title;
  const details = [hit.subtitle, hit.unit_name].filter(Boolean).join(' · ');
  return (
    <Space size={6} style={{ width: '100%', justifyContent: 'space-between', minWidth: 0 }}>
      <Typography.Text ellipsis style={{ maxWidth: compact ? 200 : 360 }}>{title}</Typography.Text>
      <Space size={4} style={{ flexShrink: 0 }}>
        {details && <Typography.Text type="secondary" ellipsis style={{ fontSize: 12, maxWidth: compact ? 120 : 240 }}>{details}</Typography.Text>}
        {!compact && <HitStatus hit={hit} />}
      </Space>
    </Space>
  );
}
