import { Link } from '../router.tsx';

export function NotFoundPage() {
  return (
    <>
      <h1>Page not found</h1>
      <p>There is no such page, or your account cannot open it.</p>
      <p>
        <Link to="/">Go to your home page</Link>
      </p>
    </>
  );
}
