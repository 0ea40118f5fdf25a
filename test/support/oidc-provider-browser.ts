// A headless "browser" for driving oidc-provider's login, consent and device pages with plain
// HTTP: it keeps cookies per origin, follows redirects by hand and submits HTML forms.

/** One HTML form: where it posts and its named inputs. */
export interface HtmlForm {
  action: string;
  fields: Record<string, string>;
}

export interface BrowserResponse {
  url: string;
  status: number;
  body: string;
  location?: string;
}

export class TestBrowser {
  readonly #cookies = new Map<string, Map<string, string>>();

  /**
   * Requests `url` and follows redirects until one points at a URL `stop` accepts (returned
   * without being fetched) or a non-redirect response arrives.
   */
  async navigate(
    url: string,
    init: { method?: 'GET' | 'POST'; form?: Record<string, string> } = {},
    stop: (url: string) => boolean = () => false,
  ): Promise<BrowserResponse> {
    let current = url;
    let method = init.method ?? 'GET';
    let form = init.form;
    for (let hops = 0; hops < 20; hops++) {
      const response = await this.#send(current, method, form);
      if (response.location === undefined) return response;
      const next = new URL(response.location, current).toString();
      if (stop(next)) return { ...response, location: next };
      current = next;
      method = 'GET';
      form = undefined;
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Submits `form` (found on the page at `pageUrl`) with `changes` applied. */
  submit(
    pageUrl: string,
    form: HtmlForm,
    changes: Record<string, string | undefined>,
    stop?: (url: string) => boolean,
  ): Promise<BrowserResponse> {
    const fields = { ...form.fields };
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) delete fields[name];
      else fields[name] = value;
    }
    return this.navigate(
      new URL(form.action, pageUrl).toString(),
      { method: 'POST', form: fields },
      stop,
    );
  }

  /** The cookie header this browser would send to `url`'s origin. */
  cookieHeader(url: string): string {
    const jar = this.#cookies.get(new URL(url).origin);
    return jar ? [...jar].map(([name, value]) => `${name}=${value}`).join('; ') : '';
  }

  /** Sets or replaces a cookie for `url`'s origin (to replay or forge one). */
  setCookie(url: string, name: string, value: string): void {
    const origin = new URL(url).origin;
    if (!this.#cookies.has(origin)) this.#cookies.set(origin, new Map());
    this.#cookies.get(origin)!.set(name, value);
  }

  /** The names of the cookies this browser holds for `url`'s origin. */
  cookieNames(url: string): string[] {
    return [...(this.#cookies.get(new URL(url).origin)?.keys() ?? [])];
  }

  getCookie(url: string, name: string): string | undefined {
    return this.#cookies.get(new URL(url).origin)?.get(name);
  }

  async #send(
    url: string,
    method: 'GET' | 'POST',
    form?: Record<string, string>,
  ): Promise<BrowserResponse> {
    const headers: Record<string, string> = { accept: 'text/html' };
    const cookie = this.cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    this.#store(url, response.headers.getSetCookie());
    return {
      url,
      status: response.status,
      body: await response.text(),
      location: response.headers.get('location') ?? undefined,
    };
  }

  #store(url: string, setCookies: string[]): void {
    const origin = new URL(url).origin;
    if (!this.#cookies.has(origin)) this.#cookies.set(origin, new Map());
    const jar = this.#cookies.get(origin)!;
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a),
      );
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }
}

/** The forms on an HTML page. */
export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const action = attribute(match[1], 'action') ?? '';
    const fields: Record<string, string> = {};
    for (const input of match[2].matchAll(/<input\b([^>]*)>/gi)) {
      const name = attribute(input[1], 'name');
      if (name) fields[name] = attribute(input[1], 'value') ?? '';
    }
    forms.push({ action, fields });
  }
  return forms;
}

/** The hrefs of links on an HTML page. */
export function parseLinks(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*href="([^"]*)"/gi)].map((m) => unescapeHtml(m[1]));
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(tag);
  return match ? unescapeHtml(match[1]) : undefined;
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
