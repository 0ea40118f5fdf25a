import { InvalidOptionsError } from '../errors.js';
import { discover, discoveryUrl, issuerFromMetadataUrl } from './discovery.js';
import { checkEndpointUrl } from '../http/endpoint-url.js';
import { ENDPOINT_FIELDS, type ProviderEndpoint, type ProviderMetadata } from './metadata.js';
import type { OAuthProviderOptions } from './provider-options.js';

/**
 * Where one provider's metadata comes from: endpoints given as options, and otherwise the
 * discovery document, fetched on first need and kept (a failed fetch is not kept).
 */
export class ProviderMetadataSource {
  readonly #options: Readonly<OAuthProviderOptions>;
  readonly #name: string;
  #discovered?: Promise<ProviderMetadata>;

  constructor(options: Readonly<OAuthProviderOptions>, name: string) {
    this.#options = options;
    this.#name = name;
  }

  /** Everything known: discovered metadata with the configured endpoints over it. */
  async all(): Promise<ProviderMetadata> {
    const { issuer, serverMetadataUrl } = this.#options;
    let discovered: ProviderMetadata = {};
    if (issuer || serverMetadataUrl) {
      if (!this.#discovered) {
        const url = serverMetadataUrl ?? discoveryUrl(issuer!);
        const loading = discover(url, issuer ?? issuerFromMetadataUrl(url), this.#options.http);
        this.#discovered = loading;
        loading.catch(() => {
          if (this.#discovered === loading) this.#discovered = undefined;
        });
      }
      discovered = await this.#discovered;
    }
    return { ...discovered, ...this.#configured(), issuer: issuer ?? discovered.issuer };
  }

  /** Metadata holding `needed`, without a discovery round trip when the options hold them. */
  async covering(needed: readonly ProviderEndpoint[]): Promise<ProviderMetadata> {
    const options = this.#options;
    if (needed.length > 0 && options.issuer && needed.every((endpoint) => options[endpoint])) {
      return { ...this.#configured(), issuer: options.issuer };
    }
    return this.all();
  }

  /** One endpoint's URL; an error naming the option when the provider has none. */
  async endpoint(endpoint: ProviderEndpoint): Promise<string> {
    const url = (await this.covering([endpoint]))[endpoint];
    if (!url) {
      throw new InvalidOptionsError(
        `provider ${this.#name} has no ${ENDPOINT_FIELDS[endpoint]}: set the ${endpoint} option`,
      );
    }
    // Discovered endpoints are checked here, before the first connection to them.
    return checkEndpointUrl(
      url,
      `provider ${this.#name}: ${ENDPOINT_FIELDS[endpoint]}`,
      this.#options.allowInsecureHttp,
    );
  }

  #configured(): ProviderMetadata {
    const configured: ProviderMetadata = {};
    for (const endpoint of Object.keys(ENDPOINT_FIELDS) as ProviderEndpoint[]) {
      const url = this.#options[endpoint];
      if (url) configured[endpoint] = url;
    }
    return configured;
  }
}
