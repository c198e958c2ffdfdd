import type { ApiError } from '../api.ts';

/** An error from the API, said plainly, with each field problem listed. */
export function ProblemMessage({ error }: { error: ApiError }) {
  const { problem } = error;
  return (
    <div className="problem" role="alert">
      <p>
        <strong>{problem.title}.</strong> {problem.detail !== problem.title ? problem.detail : null}
      </p>
      {problem.errors && problem.errors.length > 0 ? (
        <ul>
          {problem.errors.map((e, i) => (
            <li key={i}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
