import type { PharosConfig } from '../../platform/config/pharos-config';
import type { SharedWindows, WindowCounter } from '../../platform/cluster/shared-windows';
import { FailureWindows } from './failure-windows';

/** What `CredentialThrottle.check` made of a credential. */
export type CredentialCheck<T> = { owner: T } | { refused: 'unknown' } | { refused: 'throttled'; retryAfterSeconds: number };

export interface CredentialThrottleSettings {
  /** Failed attempts one address may make in the window before it is throttled. */
  maxFailures: number;
  windowSeconds: number;
}

/**
 * How long a credential that authenticated counts as known: longer than the gaps between a
 * healthy client's authentications (node reports every few seconds, Lightd health checks every
 * 30 s; an agent authenticates once per connection, and counts as known again when it ends).
 */
const KNOWN_FOR_MS = 24 * 3600 * 1000;
const KNOWN_MAX_ENTRIES = 100_000;

/**
 * Failed attempts with a machine credential (agent API key, node secret, Lightd remote token)
 * counted per client address, as logins are (`FailureWindows`). Once an address has
 * `maxFailures` failures in the window, a credential it presents is refused at once — no
 * lookup, no comparison — until the window ends, unless that credential authenticated within
 * the last day. Only failures count, and a success resets nobody's counter: one good client
 * behind an address says nothing about another that keeps failing.
 *
 * Why known credentials still pass a throttled address: a fleet often sits behind one NAT
 * address, and a single misconfigured member (an old secret, a revoked key) retrying every few
 * seconds would otherwise lock every healthy node, daemon and agent behind it out, and nodes
 * and Lightd keep no retry queue — each refused report is lost. Guessing is not the threat
 * (credentials are 256-bit random); the throttle caps the lookups and log lines a probing or
 * broken address costs, and a credential it has never seen succeed gets nothing but 429. A new
 * member behind a throttled address waits for the window, like any unknown credential.
 */
export class CredentialThrottle {
  private readonly failures: FailureWindows;
  /** SHA-256 of credentials that authenticated → until when they count as known. */
  private readonly known = new Map<string, number>();

  /**
   * @param shared in a cluster, the failures counted in Redis for every instance (`SharedWindows`);
   *   which credentials authenticated lately stays each instance's own memory.
   */
  constructor(
    private readonly settings: CredentialThrottleSettings,
    private readonly shared: WindowCounter | null = null,
  ) {
    this.failures = new FailureWindows(settings.windowSeconds * 1000);
  }

  /** A throttle with the configured limits; each kind of credential has its own (`name`). */
  static fromConfig(config: PharosConfig, name = 'credential', windows?: SharedWindows): CredentialThrottle {
    const settings = { maxFailures: config.credentialMaxFailures, windowSeconds: config.credentialFailureWindowSeconds };
    return new CredentialThrottle(settings, windows?.counter(name, settings.windowSeconds * 1000) ?? null);
  }

  /**
   * Looks the credential up through the throttle: refused without a lookup while its address is
   * throttled (unless the credential is known), and every outcome counted — an unknown
   * credential against the address, an owner found as a success of the credential.
   */
  async check<T>(address: string | undefined, credentialHash: string, lookup: () => Promise<T | null>, now = Date.now()): Promise<CredentialCheck<T>> {
    const retryAfterSeconds = this.shared ? await this.sharedRefusal(address, credentialHash, now) : this.refusal(address, credentialHash, now);
    if (retryAfterSeconds !== null) return { refused: 'throttled', retryAfterSeconds };
    const owner = await lookup();
    if (owner === null) {
      if (this.shared) await this.shared.record(addressKey(address));
      else this.recordFailure(address, now);
      return { refused: 'unknown' };
    }
    this.recordSuccess(credentialHash, now);
    return { owner };
  }

  /** Null when the credential may be checked now; else the seconds until `address` may try again. */
  refusal(address: string | undefined, credentialHash: string, now = Date.now()): number | null {
    const retryAfter = this.failures.retryAfterSeconds(addressKey(address), this.settings.maxFailures, now);
    if (retryAfter === null) return null;
    return (this.known.get(credentialHash) ?? 0) > now ? null : retryAfter;
  }

  private async sharedRefusal(address: string | undefined, credentialHash: string, now: number): Promise<number | null> {
    const retryAfter = await this.shared!.retryAfterSeconds(addressKey(address), this.settings.maxFailures);
    if (retryAfter === null) return null;
    return (this.known.get(credentialHash) ?? 0) > now ? null : retryAfter;
  }

  recordFailure(address: string | undefined, now = Date.now()): void {
    this.failures.record(addressKey(address), now);
  }

  recordSuccess(credentialHash: string, now = Date.now()): void {
    // Re-inserted, so the map stays in order of last success and the oldest go first.
    this.known.delete(credentialHash);
    this.known.set(credentialHash, now + KNOWN_FOR_MS);
    if (this.known.size > KNOWN_MAX_ENTRIES) {
      for (const [hash, until] of this.known) {
        if (until > now && this.known.size <= KNOWN_MAX_ENTRIES) break;
        this.known.delete(hash);
      }
    }
  }
}

const addressKey = (address: string | undefined) => address ?? 'unknown';
