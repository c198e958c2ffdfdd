import { createContext, useContext } from 'react';
import type { Me } from './api.ts';

export interface SessionValue {
  me: Me;
  can: (ability: string) => boolean;
  signOut: () => Promise<void>;
  refresh: () => Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession is used outside a signed-in page');
  return value;
}
