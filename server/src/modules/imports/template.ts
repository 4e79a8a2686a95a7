import ExcelJS from 'exceljs';
import { csvLine } from '../../lib/csv.js';

const HEADERS = ['email', 'first name', 'last name', 'groups', 'role', 'location', 'external id'];
const EXAMPLE = ['jane.doe@example.com', 'Jane', 'Doe', 'Sales; Onboarding 2026', 'learner', 'Lyon', 'E-1042'];

/** The CSV template: the columns and one example row. */
export function templateCsv(): string {
  return `\uFEFF${csvLine(HEADERS)}${csvLine(EXAMPLE)}`;
}

/** The XLSX template: the columns, one example row, and a sheet explaining each column (English and French). */
export async function templateXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('Learners');
  sheet.addRow(HEADERS).font = { bold: true };
  sheet.addRow(EXAMPLE);
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
  ])
    help.addRow(row);
  help.columns.forEach((c) => {
    c.width = 40;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
