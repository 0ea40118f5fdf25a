import {
  Credentials,
  type CredentialsOptions,
  type TokenRequest,
  type TokenResult,
} from '../../src/credentials/credentials.js';

export interface FakeOptions extends CredentialsOptions {
  /** Lifetime of each token it hands out, in seconds. */
  lifetimeSec?: number;
  /** Shared between clones so tests can script failures and count fetches. */
  script: FakeScript;
}

export class FakeScript {
  fetches = 0;
  /** Errors to throw on the next fetches, in order. */
  failures: Error[] = [];
  /** Milliseconds each fetch takes. */
  delayMs = 0;
  audiences: (string | undefined)[] = [];
}

/** Credentials whose token source is a script: counts fetches, fails on cue, uses an injected clock. */
export class FakeCredentials extends Credentials<FakeOptions> {
  readonly type = 'fake';

  protected override async fetchToken(request: TokenRequest): Promise<TokenResult> {
    const script = this.options.script;
    script.fetches++;
    script.audiences.push(request.audience);
    if (script.delayMs) await new Promise((r) => setTimeout(r, script.delayMs));
    const failure = script.failures.shift();
    if (failure) throw failure;
    return {
      accessToken: `token-${script.fetches}`,
      expiresAt: this.now() + (this.options.lifetimeSec ?? 3600) * 1000,
    };
  }

  protected override tokenAudience(url?: string): string | undefined {
    return url?.startsWith('aud:') ? url : undefined;
  }
}

/** A clock tests move by hand. */
export class ManualClock {
  constructor(public ms = 1_700_000_000_000) {}
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}
