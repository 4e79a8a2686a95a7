// Matching column headers tolerantly: case, spaces, accents, punctuation, English or French names.

export const FIELDS = ['email', 'firstName', 'lastName', 'groups', 'role', 'location', 'externalId'] as const;
export type Field = (typeof FIELDS)[number];

const SYNONYMS: Record<Field, string[]> = {
  email: [
    'email',
    'emails',
    'mail',
    'courriel',
    'emailaddress',
    'adresseemail',
    'adressemail',
    'adressecourriel',
    'adresseelectronique',
    'login',
    'username',
  ],
  firstName: ['firstname', 'first', 'givenname', 'prenom', 'forename'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'nom', 'nomdefamille'],
  groups: ['groups', 'group', 'groupe', 'groupes', 'team', 'teams', 'equipe', 'equipes'],
  role: ['role', 'roles', 'accounttype', 'typedecompte', 'type', 'profil', 'profile'],
  location: ['location', 'site', 'lieu', 'localisation', 'office', 'etablissement'],
  externalId: ['externalid', 'id', 'idexterne', 'identifiant', 'employeeid', 'matricule', 'reference', 'ref'],
};

/** `  Prénom ` → `prenom`; `E-mail` → `email`. */
export function headerKey(h: unknown): string {
  return String(h ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

export type HeaderMap = { columns: Partial<Record<Field, number>>; ignored: string[]; duplicates: string[] };

/** Maps each known field to the first column whose header matches it; reports ignored and duplicate headers. */
export function matchHeaders(headers: unknown[]): HeaderMap {
  const columns: Partial<Record<Field, number>> = {};
  const ignored: string[] = [];
  const duplicates: string[] = [];
  headers.forEach((h, i) => {
    const key = headerKey(h);
    const field = FIELDS.find((f) => SYNONYMS[f].includes(key));
    if (!field) {
      if (String(h ?? '').trim()) ignored.push(String(h).trim());
    } else if (columns[field] !== undefined) duplicates.push(String(h).trim());
    else columns[field] = i;
  });
  return { columns, ignored, duplicates };
}

const ROLE_NAMES: Record<string, string> = {
  learner: 'learner',
  user: 'learner',
  utilisateur: 'learner',
  apprenant: 'learner',
  apprenante: 'learner',
  student: 'learner',
  etudiant: 'learner',
  participant: 'learner',
  admin: 'admin',
  administrator: 'admin',
  administrateur: 'admin',
  administratrice: 'admin',
  guest: 'guest',
  invite: 'guest',
  invitee: 'guest',
  visiteur: 'guest',
  managerfull: 'manager_full',
  manager: 'manager_full',
  gestionnaire: 'manager_full',
  fullmanager: 'manager_full',
  managerlimited: 'manager_limited',
  limitedmanager: 'manager_limited',
  observer: 'manager_limited',
  observateur: 'manager_limited',
};

/** The role a cell names (English or French), or null when it names none; an empty cell is the default role. */
export function roleFromCell(cell: string): string | null {
  if (!cell.trim()) return 'learner';
  return ROLE_NAMES[headerKey(cell)] ?? null;
}

/** Edit distance, for "did you mean" suggestions on short names. */
export function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = i - 1; // d[0] before this row
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!; // j <= b.length
      d[j] = Math.min(tmp + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length] ?? a.length;
}
