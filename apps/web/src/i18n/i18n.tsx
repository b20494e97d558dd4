import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { type Dictionary, en } from './en';
import { zh } from './zh';

/**
 * The dashboard's languages: a typed dictionary each (`en.ts` is the reference; `zh.ts` must
 * have every key, the compiler checks), no library. Components read words with `useT()`;
 * plain functions (time and error wording) with `words()`, which the provider keeps current.
 */
export const LANGUAGES = { en: { dictionary: en, name: 'English', locale: 'en' }, zh: { dictionary: zh, name: '中文', locale: 'zh-CN' } } as const;
export type Language = keyof typeof LANGUAGES;

const KEY = 'pharos.language';
let current: Language = initialLanguage();

function initialLanguage(): Language {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'zh') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** The words of the current language, for code outside components. */
export function words(): Dictionary {
  return LANGUAGES[current].dictionary;
}

/** The current language's locale, for number and date formats (`en`, `zh-CN`). */
export function locale(): string {
  return LANGUAGES[current].locale;
}

const LanguageContext = createContext<{ language: Language; setLanguage: (language: Language) => void }>({ language: current, setLanguage: () => undefined });

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setState] = useState<Language>(current);
  const setLanguage = (next: Language) => {
    current = next;
    localStorage.setItem(KEY, next);
    setState(next);
  };
  useEffect(() => {
    document.documentElement.lang = LANGUAGES[language].locale;
  }, [language]);
  return <LanguageContext.Provider value={{ language, setLanguage }}>{children}</LanguageContext.Provider>;
}

/** The current language's words; components re-render when it changes. */
export function useT(): Dictionary {
  return LANGUAGES[useContext(LanguageContext).language].dictionary;
}

export function useLanguage(): { language: Language; setLanguage: (language: Language) => void } {
  return useContext(LanguageContext);
}

/** The language switch: each language named in itself. */
export function LanguageSelect() {
  const { language, setLanguage } = useLanguage();
  return (
    <select className="language" aria-label={LANGUAGES[language].dictionary.language} value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
      {(Object.keys(LANGUAGES) as Language[]).map((l) => (
        <option key={l} value={l} lang={LANGUAGES[l].locale}>
          {LANGUAGES[l].name}
        </option>
      ))}
    </select>
  );
}
