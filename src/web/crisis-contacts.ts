import type { Lang } from './i18n/index.js';

// Crisis contacts shown on every page (DESIGN.md §7). Numbers that work anywhere in Kazakhstan,
// free of charge; a deployment edits this list.
export interface CrisisContact { label: string; phone: string }

export const CRISIS_CONTACTS: Record<Lang, readonly CrisisContact[]> = {
  ru: [
    { label: 'Экстренные службы', phone: '112' },
    { label: 'Телефон доверия для детей и молодёжи', phone: '150' },
    { label: 'Телефон доверия по вопросам семьи и детей', phone: '111' },
  ],
  kk: [
    { label: 'Шұғыл қызметтер', phone: '112' },
    { label: 'Балалар мен жастарға арналған сенім телефоны', phone: '150' },
    { label: 'Отбасы және балалар мәселелері бойынша сенім телефоны', phone: '111' },
  ],
  en: [
    { label: 'Emergency services', phone: '112' },
    { label: 'Helpline for children and young people', phone: '150' },
    { label: 'Helpline for families and children', phone: '111' },
  ],
};
