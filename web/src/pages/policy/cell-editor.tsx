import { useState } from 'react';
import { LEVELS } from './policy-labels.ts';
import {
  USER_ACTION_LEVELS,
  type PolicyGroup,
  type TimeBand,
  type UserActionCell,
  type UserActionLevel,
} from './types.ts';

/** A cell with a new level: bands or nominated groups only where the level uses them. */
export function cellWithLevel(
  cell: UserActionCell,
  level: UserActionLevel,
  saved: UserActionCell | undefined,
  nominated: readonly PolicyGroup[],
): UserActionCell {
  const { bands: _bands, nominated: _nominated, ...rest } = cell;
  const next: UserActionCell = { ...rest, level };
  if (level === 'acceptable-at-certain-times') {
    next.bands = saved?.level === level ? [...(saved.bands ?? [])] : [];
  }
  if (level === 'acceptable-for-nominated-users') {
    const only = nominated.length === 1 ? nominated[0] : undefined;
    next.nominated = saved?.level === level ? [...(saved.nominated ?? [])] : only ? [only.id] : [];
  }
  return next;
}

/** Switch one id on or off, keeping the policy's order of the options. */
function toggle(
  list: readonly string[] | undefined,
  id: string,
  on: boolean,
  options: readonly { id: string }[],
): string[] {
  const current = new Set(list ?? []);
  if (on) current.add(id);
  else current.delete(id);
  const known = options.map((o) => o.id).filter((x) => current.has(x));
  return [...known, ...[...current].filter((x) => !known.includes(x))];
}

/**
 * Check boxes for the time bands or nominated groups of a cell, folded away once chosen. It
 * opens by itself when nothing is chosen yet, so the choice is not missed.
 */
function Picker({
  id,
  legend,
  summary,
  options,
  chosen,
  onToggle,
}: {
  id: string;
  legend: string;
  summary: string;
  options: readonly { id: string; label: string }[];
  chosen: readonly string[];
  onToggle: (option: string, on: boolean) => void;
}) {
  const [openAtFirst] = useState(chosen.length === 0);
  return (
    <details className="picker" open={openAtFirst}>
      <summary>{summary}</summary>
      <fieldset>
        <legend className="visually-hidden">{legend}</legend>
        {options.map((o) => (
          <div className="check" key={o.id}>
            <input
              type="checkbox"
              id={`${id}-${o.id}`}
              checked={chosen.includes(o.id)}
              onChange={(e) => onToggle(o.id, e.target.checked)}
            />
            <label htmlFor={`${id}-${o.id}`}>{o.label}</label>
          </div>
        ))}
      </fieldset>
    </details>
  );
}

/** One editable cell of the User Actions grid: a level, and its bands or nominated groups. */
export function CellEditor({
  id,
  labelledBy,
  describedBy,
  invalid,
  cell,
  saved,
  activity,
  group,
  bands,
  nominated,
  onChange,
}: {
  id: string;
  labelledBy: string;
  describedBy: string | undefined;
  invalid: boolean;
  cell: UserActionCell;
  saved: UserActionCell | undefined;
  activity: string;
  group: PolicyGroup;
  bands: readonly TimeBand[];
  nominated: readonly PolicyGroup[];
  onChange: (cell: UserActionCell) => void;
}) {
  const labelsOf = (
    ids: readonly string[] | undefined,
    all: readonly { id: string; label: string }[],
  ) => (ids ?? []).map((x) => all.find((o) => o.id === x)?.label ?? x).join(', ');
  return (
    <>
      <select
        id={id}
        aria-labelledby={labelledBy}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        value={cell.level}
        // Browsers leave a focused select half out of the grid's frame; bring all of it in.
        onFocus={(e) => e.currentTarget.scrollIntoView({ block: 'nearest', inline: 'nearest' })}
        onChange={(e) =>
          onChange(cellWithLevel(cell, e.target.value as UserActionLevel, saved, nominated))
        }
      >
        {USER_ACTION_LEVELS.map((level) => (
          <option key={level} value={level}>
            {LEVELS[level].short}
          </option>
        ))}
      </select>
      {cell.level === 'acceptable-at-certain-times' ? (
        <Picker
          id={`${id}-band`}
          legend={`Times when “${activity}” is acceptable for ${group.label}`}
          summary={cell.bands?.length ? labelsOf(cell.bands, bands) : 'Choose the times'}
          options={bands}
          chosen={cell.bands ?? []}
          onToggle={(band, on) => onChange({ ...cell, bands: toggle(cell.bands, band, on, bands) })}
        />
      ) : null}
      {cell.level === 'acceptable-for-nominated-users' ? (
        <Picker
          id={`${id}-nominated`}
          legend={`Nominated users for whom “${activity}” is acceptable (${group.label})`}
          summary={cell.nominated?.length ? labelsOf(cell.nominated, nominated) : 'Choose who'}
          options={nominated}
          chosen={cell.nominated ?? []}
          onToggle={(g, on) =>
            onChange({ ...cell, nominated: toggle(cell.nominated, g, on, nominated) })
          }
        />
      ) : null}
    </>
  );
}
