// Live checks mirroring the server's (server/src/modules/join-page/settings.service.ts); the server decides.

export const SLUG_PATTERN = /^(?=.{3,50}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

const RESERVED = new Set([
  'api',
  'admin',
  'app',
  'join',
  'code',
  'dev',
  'new',
  'orgs',
  'scim',
  'static',
  'assets',
  'healthz',
  'docs',
  'troupe',
  'www',
  'mail',
  'help',
  'support',
  'settings',
  'verify',
  'passcode',
  'passcodes',
  'invitations',
  'sign-in',
  'register',
  'login',
  'logout',
  'home',
  'me',
  'public',
  'page',
]);

export function isReservedSlug(slug: string): boolean {
  return RESERVED.has(slug);
}

const LABEL = /^(?!-)[\p{L}\p{N}-]{1,63}(?<!-)$/u;

/** The entries of an allow-list that are not `example.com` or `*.example.com` (one trailing dot allowed). */
export function invalidDomains(entries: string[]): string[] {
  return entries.filter((raw) => {
    let e = raw.trim().toLowerCase();
    if (!e) return false;
    if (e.startsWith('*.')) e = e.slice(2);
    if (e.endsWith('.')) e = e.slice(0, -1);
    const labels = e.split('.');
    return labels.length < 2 || !labels.every((l) => LABEL.test(l));
  });
}
