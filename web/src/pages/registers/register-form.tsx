import { useState, type FormEvent } from 'react';
import type { ApiError } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import type { Choice, FieldValue, RegisterField, RegisterRow, RegisterSummary } from './types.ts';

type Draft = Record<string, string | boolean | string[]>;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** An ISO time as the value of a `datetime-local` input (the browser's local time). */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function draftOf(fields: RegisterField[], row: RegisterRow | null): Draft {
  const draft: Draft = {};
  for (const field of fields) {
    const value = row?.data[field.key] ?? null;
    if (field.type === 'boolean') draft[field.key] = value === true;
    else if (field.type === 'people') draft[field.key] = Array.isArray(value) ? value : [];
    else if (field.type === 'datetime')
      draft[field.key] = typeof value === 'string' ? toLocalInput(value) : '';
    else draft[field.key] = value === null ? '' : String(value);
  }
  return draft;
}

/** The body for the API: a create leaves out empty fields; an edit sends them empty (clearing). */
function bodyOf(
  fields: RegisterField[],
  draft: Draft,
  editing: boolean,
): Record<string, FieldValue> {
  const body: Record<string, FieldValue> = {};
  for (const field of fields) {
    if (editing && field.createOnly) continue;
    const value = draft[field.key];
    if (field.type === 'boolean') body[field.key] = value === true;
    else if (field.type === 'people') {
      const list = Array.isArray(value) ? value : [];
      if (list.length > 0 || editing) body[field.key] = list;
    } else {
      const text = typeof value === 'string' ? value.trim() : '';
      if (text === '') {
        if (editing) body[field.key] = '';
        continue;
      }
      if (field.type === 'number') body[field.key] = Number(text);
      else if (field.type === 'datetime') {
        const at = new Date(text);
        body[field.key] = Number.isNaN(at.getTime()) ? text : at.toISOString();
      } else body[field.key] = text;
    }
  }
  return body;
}

function fieldErrors(error: ApiError | null): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of error?.problem.errors ?? []) {
    const key = e.path.startsWith('body.') ? e.path.slice(5).split('.')[0] : null;
    if (key && !map.has(key)) map.set(key, e.message);
  }
  return map;
}

interface FieldProps {
  field: RegisterField;
  id: string;
  value: string | boolean | string[];
  choices: Choice[];
  error: string | undefined;
  disabled: boolean;
  onChange: (value: string | boolean | string[]) => void;
}

function FieldInput({ field, id, value, choices, error, disabled, onChange }: FieldProps) {
  const hintId = field.hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: field.key,
    'aria-describedby': describedBy,
    'aria-invalid': error ? true : undefined,
    required: field.required,
    disabled,
  };
  const label = (
    <label htmlFor={id}>
      {field.label}
      {field.required ? null : <span className="muted"> (optional)</span>}
    </label>
  );
  const after = (
    <>
      {field.hint ? (
        <p id={hintId} className="hint small">
          {field.hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error">
          {field.label}: {error}
        </p>
      ) : null}
    </>
  );
  const text = typeof value === 'string' ? value : '';
  switch (field.type) {
    case 'boolean':
      return (
        <div className="register-field wide">
          <div className="check">
            <input
              {...common}
              required={false}
              type="checkbox"
              checked={value === true}
              onChange={(e) => onChange(e.target.checked)}
            />
            <label htmlFor={id}>{field.label}</label>
          </div>
          {after}
        </div>
      );
    case 'longtext':
      return (
        <div className="register-field wide">
          {label}
          <textarea {...common} rows={4} value={text} onChange={(e) => onChange(e.target.value)} />
          {after}
        </div>
      );
    case 'choice':
    case 'person':
    case 'row': {
      const options = field.type === 'choice' ? field.options : choices;
      return (
        <div className="register-field">
          {label}
          <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
            <option value="">{field.required ? 'Choose…' : '—'}</option>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
            {text !== '' && !options.some((o) => o.value === text) ? (
              <option value={text}>(no longer in the list)</option>
            ) : null}
          </select>
          {after}
        </div>
      );
    }
    case 'people': {
      const chosen = Array.isArray(value) ? value : [];
      return (
        <fieldset
          className="register-field wide people-picker"
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
        >
          <legend>
            {field.label}
            {field.required ? null : <span className="muted"> (optional)</span>}
          </legend>
          <div className="people-options">
            {choices.map((o) => (
              <div className="check" key={o.value}>
                <input
                  type="checkbox"
                  id={`${id}-${o.value}`}
                  checked={chosen.includes(o.value)}
                  disabled={disabled}
                  onChange={(e) =>
                    onChange(
                      e.target.checked ? [...chosen, o.value] : chosen.filter((v) => v !== o.value),
                    )
                  }
                />
                <label htmlFor={`${id}-${o.value}`}>{o.label}</label>
              </div>
            ))}
          </div>
          {after}
        </fieldset>
      );
    }
    default:
      return (
        <div className="register-field">
          {label}
          <input
            {...common}
            type={
              field.type === 'date'
                ? 'date'
                : field.type === 'datetime'
                  ? 'datetime-local'
                  : field.type === 'number'
                    ? 'number'
                    : 'text'
            }
            min={field.min ?? undefined}
            max={field.max ?? undefined}
            value={text}
            onChange={(e) => onChange(e.target.value)}
          />
          {after}
        </div>
      );
  }
}

/** Add or change a row: one labelled control per field, problems shown beside each field. */
export function RegisterForm({
  register,
  row,
  choices,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  register: RegisterSummary;
  row: RegisterRow | null;
  choices: Record<string, Choice[]>;
  busy: boolean;
  error: ApiError | null;
  onSubmit: (body: Record<string, FieldValue>) => void;
  onCancel: () => void;
}) {
  const fields = register.fields.filter((f) => !f.system);
  const [draft, setDraft] = useState<Draft>(() => draftOf(fields, row));
  const errors = fieldErrors(error);
  const editing = row !== null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(bodyOf(fields, draft, editing));
  };
  const headingId = `register-form-${register.key}`;
  return (
    <form className="card register-form" aria-labelledby={headingId} onSubmit={submit} noValidate>
      <h2 id={headingId}>{editing ? `Change ${row.title}` : `Add a ${register.noun}`}</h2>
      <div className="field-row">
        {fields.map((field) => (
          <FieldInput
            key={field.key}
            field={field}
            id={`f-${register.key}-${field.key}`}
            value={draft[field.key] ?? ''}
            choices={choices[field.key] ?? []}
            error={errors.get(field.key)}
            disabled={busy || (editing && field.createOnly)}
            onChange={(value) => setDraft((d) => ({ ...d, [field.key]: value }))}
          />
        ))}
      </div>
      {error ? <ProblemMessage error={error} /> : null}
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {editing ? 'Save changes' : `Add ${register.noun}`}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
