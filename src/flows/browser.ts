import { checkEndpointUrl } from '../http/endpoint-url.js';

/** Opens a URL in the user's browser; resolves whether an opener could be started. */
export type BrowserOpener = (url: string) => Promise<boolean>;

/**
 * Opens `url` with the platform's opener (`open` on macOS, `rundll32` on Windows, `xdg-open`
 * elsewhere), detached so it outlives nothing and blocks nothing. Resolves false when the
 * opener is missing or fails to start, so the caller can fall back to printing. Only https and
 * loopback-http URLs are opened: anything else (`javascript:`, `file:`, plain http to another
 * host, which an opener would happily run or load) is refused with `ERR_INVALID_OPTIONS`.
 *
 * @example
 * ```ts
 * const url = 'https://accounts.google.com/o/oauth2/v2/auth?...';
 * if (!(await openInBrowser(url))) console.error(`Open ${url} in your browser`);
 * ```
 */
export async function openInBrowser(
  url: string,
  platform: NodeJS.Platform = process.platform,
): Promise<boolean> {
  checkEndpointUrl(url, 'the URL to open in the browser');
  const [command, args] = openerCommand(url, platform);
  // Loaded here, not at the top: only a login ever opens a browser.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { detached: true, stdio: 'ignore' });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

/**
 * The command opening a URL. On Windows `rundll32 url.dll,FileProtocolHandler` takes the URL as
 * one argument, where `cmd /c start` would split it at every `&`.
 */
export function openerCommand(url: string, platform: NodeJS.Platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}
