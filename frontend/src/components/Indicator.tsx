import { Typography } from 'antd';
import { useIndicators } from '../api/kpi';
import { useT } from '../i18n';

/** An indicator code shown by its name in the reader's language, the code beside it. */
export function IndicatorName({ code }: { code: string }) {
  const { locale } = useT();
  const indicators = useIndicators();
  const found = indicators.data?.items.find((i) => i.code === code);
  if (!found) return <span>{code}</span>;
  const name = locale === 'zh-CN' ? found.name : found.name_en || found.name;
  return (
    <span>
      {name} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{code}</Typography.Text>
    </span>
  );
}

/** code → display name, for places that need a string (chart axes). */
export function useIndicatorLabel(): (code: string) => string {
  const { locale } = useT();
  const indicators = useIndicators();
  return (code) => {
    const found = indicators.data?.items.find((i) => i.code === code);
    if (!found) return code;
    return locale === 'zh-CN' ? found.name : found.name_en || found.name;
  };
}
