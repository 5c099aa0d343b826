import { Segmented } from 'antd';
import { LOCALES, useT, type Locale } from '.';

/** 中文 | English, in the header and on the sign-in page (its own module, so the sign-in page does
 * not pull in the app's shell). */
export function LocaleSwitch() {
  const { locale, setLocale, t } = useT();
  return (
    <Segmented
      size="small"
      value={locale}
      onChange={(v) => setLocale(v as Locale)}
      options={LOCALES.map((l) => ({ value: l, label: t(`common.locale.${l}`) }))}
      aria-label={t('common.language')}
    />
  );
}
