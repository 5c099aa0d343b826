import { Typography } from 'antd';
import { useIndicators, type IndicatorRead } from '../api/kpi';
import { useT, type Locale } from '../i18n';

/** An indicator's name in the reader's language (the Chinese name when it has no English one). */
export function indicatorName(i: Pick<IndicatorRead, 'name' | 'name_en'>, locale: Locale): string {
  return locale === 'zh-CN' ? i.name : i.name_en || i.name;
}

/** An indicator code shown by its name in the reader's language, the code beside it. */
export function IndicatorName({ code }: { code: string }) {
  const { locale } = useT();
  const indicators = useIndicators();
  const found = indicators.data?.items.find((i) => i.code === code);
  if (!found) return <span>{code}</span>;
  return (
    <span>
      {indicatorName(found, locale)} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{code}</Typography.Text>
    </span>
  );
}

/** code → display name, for places that need a string (chart axes). */
export function useIndicatorLabel(): (code: string) => string {
  const { locale } = useT();
  const indicators = useIndicators();
  return (code) => {
    const found = indicators.data?.items.find((i) => i.code === code);
    return found ? indicatorName(found, locale) : code;
  };
}

/** The library as select options: the name in the reader's language and the code, so either finds
 * it; retired indicators left out, and `keep` narrows further (measured ones only, …). */
export function useIndicatorOptions(keep: (i: IndicatorRead) => boolean = () => true) {
  const { locale } = useT();
  const indicators = useIndicators();
  const items = indicators.data?.items ?? [];
  return {
    options: items.filter((i) => i.active && keep(i)).map((i) => ({ value: i.code, label: `${indicatorName(i, locale)} ${i.code}` })),
    loading: indicators.isPending,
    failed: indicators.isError,
    find: (code?: string) => items.find((i) => i.code === code),
  };
}
