import ExcelJS from 'exceljs';
import type { Db } from '../../db/client.js';
import { csvLine } from '../../lib/csv.js';
import { type ImportFieldColumn, importFieldColumns } from '../profile-fields/import-fields.service.js';

const HEADERS = ['email', 'first name', 'last name', 'groups', 'role', 'location', 'external id'];
const EXAMPLE = ['jane.doe@example.com', 'Jane', 'Doe', 'Sales; Onboarding 2026', 'learner', 'Lyon', 'E-1042'];

/** An example cell for a profile field of the organization (issue 15). */
function exampleCell(f: ImportFieldColumn): string {
  switch (f.type) {
    case 'choice':
      return f.options[0] ?? '';
    case 'multi_choice':
      return f.options.slice(0, 2).join('; ');
    case 'date':
      return '2026-01-31';
    case 'number':
      return '1';
    case 'boolean':
      return 'yes';
    default:
      return '';
  }
}

/** What to put in a field's column, in English and French. */
function fieldHelp(f: ImportFieldColumn): string[] {
  const opts = f.options.join(', ');
  const [en, fr] = {
    text: ['Text.', 'Texte.'],
    choice: [`One of: ${opts}.`, `Une valeur parmi : ${opts}.`],
    multi_choice: [`Some of: ${opts}, separated by “;”.`, `Des valeurs parmi : ${opts}, séparées par « ; ».`],
    date: ['A date, YYYY-MM-DD.', 'Une date, AAAA-MM-JJ.'],
    number: ['A number.', 'Un nombre.'],
    boolean: ['yes or no.', 'oui ou non.'],
  }[f.type];
  return [f.key, `${f.labelEn}. ${en}`, f.labelFr ?? f.key, `${f.labelFr ?? f.labelEn}. ${fr}`];
}

async function columns(db: Db, orgId: string) {
  const fields = await importFieldColumns(db, orgId);
  return { fields, headers: [...HEADERS, ...fields.map((f) => f.key)], example: [...EXAMPLE, ...fields.map(exampleCell)] };
}

/** The CSV template: the columns (with the organization's profile fields, by key) and one example row. */
export async function templateCsv(db: Db, orgId: string): Promise<string> {
  const { headers, example } = await columns(db, orgId);
  return `\uFEFF${csvLine(headers)}${csvLine(example)}`;
}

/** The XLSX template: the columns, one example row, and a sheet explaining each column (English and French). */
export async function templateXlsx(db: Db, orgId: string): Promise<Buffer> {
  const { fields, headers, example } = await columns(db, orgId);
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('Learners');
  sheet.addRow(headers).font = { bold: true };
  sheet.addRow(example);
  sheet.columns.forEach((c) => {
    c.width = 24;
  });
  const help = wb.addWorksheet('Help');
  help.addRow(['Column', 'What to put', 'Colonne', 'Contenu']).font = { bold: true };
  for (const row of [
    ['email', 'Required. One address per row.', 'email', 'Obligatoire. Une adresse par ligne.'],
    ['first name / last name', 'Optional. Shown once the person accepts.', 'prénom / nom', 'Facultatifs.'],
    [
      'groups',
      'Group names separated by “;”. Case and spaces do not matter.',
      'groupes',
      'Noms des groupes séparés par « ; ». Casse et espaces indifférents.',
    ],
    ['role', 'learner (default), admin or guest; managers when inviting.', 'rôle', 'apprenant (par défaut), admin ou invité.'],
    ['location', 'The name of one of your locations.', 'site', 'Le nom d’un de vos sites.'],
    ['external id', 'Your own identifier (HR number…).', 'identifiant externe', 'Votre identifiant (matricule…).'],
    ...fields.map(fieldHelp),
  ])
    help.addRow(row);
  help.columns.forEach((c) => {
    c.width = 40;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
