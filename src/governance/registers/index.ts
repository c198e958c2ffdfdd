import type { RegisterDefinition } from '../register-definition.ts';
import {
  breachesRegister,
  dpiasRegister,
  foiRegister,
  informationAssetsRegister,
  processingRegister,
  retentionScheduleRegister,
  subjectAccessRegister,
} from './data-protection-registers.ts';
import { deviceLoansRegister, devicesRegister, licencesRegister } from './devices-registers.ts';
import { guestAccountsRegister, guestPolicyRegister } from './guest-registers.ts';
import { photoConsentRegister } from './photo-consent-register.ts';
import {
  osgActionsRegister,
  osgMeetingsRegister,
  osgMembersRegister,
  rolesRegister,
} from './roles-registers.ts';
import { socialMediaRegister } from './social-media-register.ts';

/** Every register, in the order the Registers page lists them. */
export const registers: readonly RegisterDefinition[] = [
  rolesRegister,
  osgMembersRegister,
  osgMeetingsRegister,
  osgActionsRegister,
  devicesRegister,
  deviceLoansRegister,
  licencesRegister,
  guestAccountsRegister,
  guestPolicyRegister,
  photoConsentRegister,
  processingRegister,
  informationAssetsRegister,
  retentionScheduleRegister,
  dpiasRegister,
  breachesRegister,
  subjectAccessRegister,
  foiRegister,
  socialMediaRegister,
];

export function findRegister(key: string): RegisterDefinition | undefined {
  return registers.find((r) => r.key === key);
}
