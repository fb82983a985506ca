// The user's policy for updates of active code (`liveUpdate.whenActive`, `liveUpdate.deferTimeoutMs`).
import type { WhenActive } from '../../../common/patch';

export interface PolicySettings {
  whenActive: WhenActive;
  /** How long a deferred update may wait before it is dropped. */
  deferTimeoutMs: number;
}

/**
 * `restartFrame` by default: an edit saved while paused in the function runs at once, stepping
 * enters it (README, "Edit while paused"); a running program's active functions wait as with `defer`.
 */
export const DEFAULT_POLICY: PolicySettings = { whenActive: 'restartFrame', deferTimeoutMs: 60_000 };
