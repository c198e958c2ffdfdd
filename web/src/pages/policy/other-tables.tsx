import type { ReactNode } from 'react';
import {
  ALLOWED_IN_SCHOOL_LABELS,
  COMMUNICATION_LABELS,
  NETWORK_ACCESS_LABELS,
  WEEKDAY_LABELS,
} from './policy-labels.ts';
import type { CommunicationCell, PolicyDocument, SanctionsTable } from './types.ts';

function Fold({ title, children }: { title: string; children: ReactNode }) {
  return (
    <details className="fold">
      <summary>
        <h4>{title}</h4>
      </summary>
      <div className="fold-body">{children}</div>
    </details>
  );
}

function communication(cell: CommunicationCell | undefined, document: PolicyDocument): string {
  if (!cell) return '—';
  const label = COMMUNICATION_LABELS[cell.level] ?? cell.level;
  const bands = (cell.bands ?? [])
    .map((id) => document.timeBands.bands.find((b) => b.id === id)?.label ?? id)
    .join(', ');
  const selected = (cell.selected ?? [])
    .map((id) => document.groups.find((g) => g.id === id)?.label ?? id)
    .join(', ');
  const extra = [bands, selected].filter(Boolean).join('; ');
  return extra ? `${label} (${extra})` : label;
}

function Sanctions({ table }: { table: SanctionsTable }) {
  return (
    <div className="table-wrap">
      <table className="sanctions">
        <caption>{table.title}</caption>
        <thead>
          <tr>
            <th scope="col">Incident</th>
            {table.actions.map((a) => (
              <th scope="col" key={a.id}>
                {a.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.incidents.map((incident) => (
            <tr key={incident.id}>
              <th scope="row">{incident.incident}</th>
              {table.actions.map((a) => (
                <td key={a.id} className="mark">
                  {incident.actions.includes(a.id) ? (
                    <>
                      <span aria-hidden="true">✓</span>
                      <span className="visually-hidden">Yes</span>
                    </>
                  ) : (
                    <span className="visually-hidden">No</span>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The policy's other tables, read-only and folded away: the grid is the editing surface. */
export function OtherTables({ document }: { document: PolicyDocument }) {
  const { communications, mobileTechnologies, sanctions } = document;
  return (
    <section aria-labelledby="other-tables-title" className="other-tables">
      <h3 id="other-tables-title">The other tables</h3>
      <p className="hint">
        Read-only here. They are published with the user actions in the policy document.
      </p>
      <Fold title="Time bands">
        <div className="table-wrap">
          <table>
            <caption>Times are local to {document.timeBands.timeZone}</caption>
            <thead>
              <tr>
                <th scope="col">Band</th>
                <th scope="col">Days</th>
                <th scope="col">Times</th>
              </tr>
            </thead>
            <tbody>
              {document.timeBands.bands.map((b) => (
                <tr key={b.id}>
                  <th scope="row">{b.label}</th>
                  <td>{b.days.map((d) => WEEKDAY_LABELS[d] ?? d).join(', ')}</td>
                  <td>{b.times.map((t) => t.replace('-', '–')).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Fold>
      {communications ? (
        <Fold title={communications.title}>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Technology or use</th>
                  <th scope="col">Staff and other adults</th>
                  <th scope="col">Pupils</th>
                </tr>
              </thead>
              <tbody>
                {communications.rows.map((row) => (
                  <tr key={row.id}>
                    <th scope="row">{row.technology}</th>
                    <td>{communication(row.staff, document)}</td>
                    <td>{communication(row.pupils, document)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Fold>
      ) : null}
      {mobileTechnologies ? (
        <Fold title={mobileTechnologies.title}>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">Allowed in school</th>
                  <th scope="col">Network access</th>
                </tr>
              </thead>
              <tbody>
                {mobileTechnologies.devices.map((d) => (
                  <tr key={d.class}>
                    <th scope="row">{d.label}</th>
                    <td>{ALLOWED_IN_SCHOOL_LABELS[d.allowedInSchool] ?? d.allowedInSchool}</td>
                    <td>{NETWORK_ACCESS_LABELS[d.networkAccess] ?? d.networkAccess}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Fold>
      ) : null}
      {sanctions?.pupils ? (
        <Fold title="Sanctions: pupils">
          <Sanctions table={sanctions.pupils} />
        </Fold>
      ) : null}
      {sanctions?.staff ? (
        <Fold title="Sanctions: staff">
          <Sanctions table={sanctions.staff} />
        </Fold>
      ) : null}
    </section>
  );
}
