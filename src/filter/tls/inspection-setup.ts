import { readFileSync } from 'node:fs';
import type { HavenConfig } from '../../config/config-schema.ts';
import type { HttpsInspection } from '../proxy/inspected-connection.ts';
import { LeafCertificates } from './leaf-certs.ts';
import { NoInspectionList } from './no-inspection.ts';
import { PageScorer } from './page-content.ts';
import { hasSchoolCa, loadSchoolCa, SchoolCaError } from './school-ca.ts';
import { loadSecretKey } from './secret-key.ts';

/** `filter.inspection` in haven.yaml. */
export type InspectionSettings = HavenConfig['filter']['inspection'];

/**
 * Builds the proxy's `inspection` dependency from `filter.inspection` and the data folder: opens
 * the school CA (its key sealed with the secret key), makes the leaf certificate cache, the
 * no-inspection list and the extra upstream roots. Null when inspection is off.
 */
export async function loadHttpsInspection(options: {
  readonly dataDir: string;
  readonly settings: InspectionSettings;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock?: () => Date;
}): Promise<HttpsInspection | null> {
  const settings = options.settings;
  if (!settings.enabled) return null;
  const dataDir = options.dataDir;
  if (!hasSchoolCa(dataDir)) {
    throw new SchoolCaError(
      'filter.inspection.enabled is true but there is no school CA: run `haven ca create` and install the certificate on managed devices first.',
    );
  }
  const secret = loadSecretKey(dataDir, options.env, { create: false });
  const ca = await loadSchoolCa(dataDir, secret.key);
  const leafCerts = await LeafCertificates.create(ca, {
    cacheSize: settings.leafCacheSize,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const extraRoots = settings.extraRoots.map((file) => readFileSync(file, 'utf8'));
  return {
    deviceClasses: settings.deviceClasses,
    noInspection: new NoInspectionList(settings.bypassHosts),
    leafCerts,
    extraRoots,
    contentScoring:
      Object.keys(settings.contentThresholds).length === 0
        ? null
        : new PageScorer(settings.contentThresholds, { maxBytes: settings.contentMaxBytes }),
  };
}
