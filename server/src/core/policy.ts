// The user's policy for updates of active code (`liveUpdate.whenActive`, `liveUpdate.deferTimeoutMs`).
import type { WhenActive } from '../../../common/patch';

export interface PolicySettings {
  whenActive: WhenActive;
  /** How long a deferred update may wait before it is dropped. */
  deferTimeoutMs: number;
}

export const DEFAULT_POLICY: PolicySettings = { whenActive: 'defer', deferTimeoutMs: 60_000 };
