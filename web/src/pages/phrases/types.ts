/** What `/api/phrase-lists…` answers (see src/api/routes/phrase-list-routes.ts). */
export interface PhraseEntry {
  phrase?: string;
  all?: string[];
  weight: number;
  language: string;
  intent?: boolean;
  exact?: boolean;
  note?: string;
  source?: string;
}

export interface PhraseList {
  category: string;
  note: string;
  notMisspellings?: string[];
  entries: PhraseEntry[];
}

export interface PhraseDocument {
  schemaVersion: number;
  name: string;
  version: number;
  note?: string;
  lists: PhraseList[];
}

export interface ActivePhraseLists {
  id: string | null;
  number: number;
  starter: boolean;
  changeNote: string | null;
  createdAt: string | null;
  createdBy: string | null;
  counts: Record<string, number>;
  document: PhraseDocument;
}

export interface PhraseListVersion {
  id: string;
  number: number;
  active: boolean;
  changeNote: string;
  createdAt: string;
  createdBy: string | null;
}

export const categoryLabels: Readonly<Record<string, string>> = {
  'self-harm': 'Self-harm and suicide',
  radicalisation: 'Radicalisation and extremism',
  grooming: 'Grooming and sexual exploitation',
  bullying: 'Bullying',
  'sexual-content': 'Sexual content',
  'violence-weapons': 'Violence and weapons',
  drugs: 'Drugs',
  gambling: 'Gambling',
  general: 'Good phrases for every category',
};

/** The entry as a person reads it: the phrase, or the parts of a combination joined by " + ". */
export function entryLabel(entry: PhraseEntry): string {
  return entry.phrase ?? (entry.all ?? []).join(' + ');
}
