import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { setRequestLanguage } from '../api/client';
import { DEFAULT_LOCALE, LOCALES, translate, type Locale } from './messages';

export { LOCALES, type Locale } from './messages';

type Vars = Record<string, string | number | null | undefined>;
type Ctx = { locale: Locale; setLocale: (l: Locale) => void; t: (key: string, vars?: Vars) => string };

const STORAGE_KEY = 'yunguan.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale;
  } catch {
    /* no storage: default */
  }
  return DEFAULT_LOCALE;
}

const LocaleContext = createContext<Ctx>({
  locale: DEFAULT_LOCALE,
  setLocale: () => undefined,
  t: (key, vars) => translate(DEFAULT_LOCALE, key, vars),
});

function applyLocale(locale: Locale) {
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
  setRequestLanguage(locale);
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => {
    const l = initialLocale();
    applyLocale(l);
    return l;
  });
  const setLocale = useCallback((l: Locale) => {
    applyLocale(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      /* ignore */
    }
    setLocaleState(l);
  }, []);
  const value = useMemo<Ctx>(() => ({ locale, setLocale, t: (key, vars) => translate(locale, key, vars) }), [locale, setLocale]);
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useT() {
  return useContext(LocaleContext);
}
