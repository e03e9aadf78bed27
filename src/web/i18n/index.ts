import { en, type MessageKey } from './en.js';
import { kk } from './kk.js';
import { ru } from './ru.js';

// Message catalogs for every interface string, in the three languages (Russian first: the
// default). Shared by the server-rendered pages and the browser apps.

export const LANGS = ['ru', 'kk', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'ru';
export type { MessageKey };

export const CATALOGS: Record<Lang, Record<MessageKey, string>> = { ru, kk, en };

export function isLang(value: string | undefined): value is Lang {
  return (LANGS as readonly string[]).includes(value ?? '');
}

/** The string for `key` in `lang`, with {name} placeholders filled in. */
export function translate(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  return CATALOGS[lang][key].replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  return (key, params) => translate(lang, key, params);
}
