import { AuthError } from '../errors.js';

/** The page the browser shows once the login completed. */
export function successPage(): string {
  return page(
    'Signed in',
    'You are signed in',
    'The application has your authorization. You can close this tab.',
  );
}

/** The page the browser shows when the login failed; names the error, never a secret. */
export function failurePage(error: unknown): string {
  const reason =
    error instanceof AuthError
      ? `${error.message} (${error.code})`
      : 'an unexpected error occurred';
  return page('Sign-in failed', 'Sign-in failed', reason);
}

/** The answer to a request that is not the login's redirect (a favicon, a stray tab). */
export function notFoundPage(): string {
  return page('Not found', 'Not found', 'This address only receives a sign-in redirect.');
}

/** The answer to a second redirect arriving once the first is being handled. */
export function alreadyHandledPage(): string {
  return page(
    'Already handled',
    'This sign-in was already handled',
    'Return to the application, or start the login again there.',
  );
}

function page(title: string, heading: string, text: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#202124}</style>
</head>
<body><h1>${escapeHtml(heading)}</h1><p>${escapeHtml(text)}</p></body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
