import { InvalidOptionsError } from '../errors.js';
import { PROVIDER_PRESETS, type ProviderPresetName } from './presets.js';
import { OAuthProvider } from './provider.js';
import type { OAuthProviderOptions } from './provider-options.js';

/** Options of {@link ProviderRegistry.register}: a provider's options, or a preset plus the client's. */
export type ProviderRegistration =
  | OAuthProviderOptions
  | (Partial<OAuthProviderOptions> & { preset: ProviderPresetName; clientId: string });

/**
 * The providers an app logs users in with, each registered once by name.
 *
 * @example
 * ```ts
 * const providers = new ProviderRegistry();
 * providers.register('google', { preset: 'google', clientId, clientSecret });
 * providers.register('corp', { issuer: 'https://sso.example.com', clientId: 'app', clientSecret });
 * const redirect = await providers.get('corp').authorizationRedirect({ redirectUri, scope: 'openid' });
 * ```
 */
export class ProviderRegistry {
  readonly #providers = new Map<string, OAuthProvider>();

  /** Creates and keeps the provider `name`; a name can be registered once. */
  register(name: string, registration: ProviderRegistration): OAuthProvider {
    if (this.#providers.has(name)) {
      throw new InvalidOptionsError(`provider ${name} is already registered`);
    }
    const { preset, ...options } = registration as ProviderRegistration & { preset?: string };
    let base: Partial<OAuthProviderOptions> = {};
    if (preset !== undefined) {
      if (!Object.hasOwn(PROVIDER_PRESETS, preset)) {
        throw new InvalidOptionsError(
          `unknown provider preset ${preset}: use one of ${Object.keys(PROVIDER_PRESETS).join(', ')}`,
        );
      }
      base = PROVIDER_PRESETS[preset as ProviderPresetName];
    }
    const provider = new OAuthProvider({ ...base, ...options, name } as OAuthProviderOptions);
    this.#providers.set(name, provider);
    return provider;
  }

  /** The provider registered as `name`. */
  get(name: string): OAuthProvider {
    const provider = this.#providers.get(name);
    if (!provider) {
      throw new InvalidOptionsError(
        `no provider named ${name} is registered (registered: ${[...this.#providers.keys()].join(', ') || 'none'})`,
      );
    }
    return provider;
  }

  has(name: string): boolean {
    return this.#providers.has(name);
  }

  /** The registered names, in registration order. */
  names(): string[] {
    return [...this.#providers.keys()];
  }
}
