/** The governance registers as the API describes them (`GET /api/registers`). */

export interface Choice {
  value: string;
  label: string;
}

export type FieldType =
  | 'text'
  | 'longtext'
  | 'date'
  | 'datetime'
  | 'number'
  | 'boolean'
  | 'choice'
  | 'person'
  | 'people'
  | 'row';

export interface RegisterField {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  hint: string | null;
  options: Choice[];
  min: number | null;
  max: number | null;
  createOnly: boolean;
  system: boolean;
}

export interface RegisterFlag {
  code: string;
  severity: 'overdue' | 'warning' | 'info';
  message: string;
}

export interface RegisterSummary {
  key: string;
  title: string;
  noun: string;
  area: string;
  description: string;
  source: string;
  canEdit: boolean;
  fields: RegisterField[];
  columns: { key: string; label: string; type: string }[];
  rows: number;
  flagged: number;
  registerFlags: RegisterFlag[];
}

export type FieldValue = string | number | boolean | string[] | null;

export interface RegisterRow {
  id: string;
  title: string;
  data: Record<string, FieldValue>;
  display: Record<string, string>;
  flags: RegisterFlag[];
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface RegisterListing {
  rows: RegisterRow[];
  registerFlags: RegisterFlag[];
  canEdit: boolean;
  choices: Record<string, Choice[]>;
}

export interface DueDate {
  kind: string;
  title: string;
  due: string;
  href: string;
  overdue: boolean;
}
