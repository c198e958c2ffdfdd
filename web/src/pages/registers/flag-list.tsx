import type { RegisterFlag } from './types.ts';

const severityLabel: Record<RegisterFlag['severity'], string> = {
  overdue: 'Overdue',
  warning: 'Check',
  info: 'Note',
};

/** A row's or a register's flags: each with its severity in words, not colour alone. */
export function FlagList({ flags }: { flags: RegisterFlag[] }) {
  if (flags.length === 0) return null;
  return (
    <ul className="register-flags">
      {flags.map((flag) => (
        <li key={flag.code + flag.message} className={`register-flag flag-${flag.severity}`}>
          <strong>{severityLabel[flag.severity]}:</strong> {flag.message}
        </li>
      ))}
    </ul>
  );
}
