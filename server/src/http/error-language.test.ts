import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createOrg, signUp } from '../../test/factories.js';
import { createTestApp, type TestApp } from '../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const register = (acceptLanguage?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email: 'not-an-address', password: 'short', name: 'Zoé', extra: 1 },
    headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {},
  });

describe('error messages in the reader’s language', () => {
  it('follows Accept-Language for validation errors: zod’s own messages and the schemas’ messages', async () => {
    const en = (await register()).json().error;
    const fr = (await register('fr-FR,fr;q=0.9,en;q=0.5')).json().error;
    expect(en.code).toBe('validation_failed');
    expect(fr.code).toBe('validation_failed');
    expect(en.message).toBe('Some values in the body are invalid.');
    expect(fr.message).toBe('Certaines valeurs de la requête ne sont pas valides (body).');
    expect(en.details.fields.password).toBe('At least 8 characters.');
    expect(fr.details.fields.password).toBe('Au moins 8 caractères.');
    expect(Object.keys(fr.details.fields).sort()).toEqual(Object.keys(en.details.fields).sort());
    expect(en.details.fields.extra).toMatch(/Unrecognized key/);
    expect(fr.details.fields.extra).toMatch(/non reconnue/);
    expect((await register('en-GB')).json().error.message).toBe(en.message);
  });

  it('translates zod type errors', async () => {
    const send = (lang: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'a@example.com', password: 5 },
        headers: { 'accept-language': lang },
      });
    expect((await send('en')).json().error.details.fields.password).toBe('Invalid input: expected string, received number');
    expect((await send('fr')).json().error.details.fields.password).toBe('Entrée invalide : chaîne de caractères attendu, nombre reçu');
  });

  it('follows the signed-in account’s locale before Accept-Language, for the app’s own errors too', async () => {
    const { agent } = await signUp(t);
    const unknownOrg = '/api/v1/orgs/00000000-0000-4000-8000-000000000000';
    // An account created without a locale reads English, whatever its browser asks.
    expect((await agent.get(unknownOrg, { 'accept-language': 'fr' })).data.error.message).toBe('Organization not found.');
    expect((await agent.patch('/api/v1/me', { locale: 'fr' })).statusCode).toBe(200);
    const fr = await agent.get(unknownOrg, { 'accept-language': 'en' });
    expect(fr.data.error).toMatchObject({ code: 'not_found', message: 'Organisation introuvable.' });
    const invalid = await agent.request('PATCH', '/api/v1/me', { name: '' }, { 'accept-language': 'en' });
    expect(invalid.data.error.details.fields.name).toBe('Saisissez un nom.');
    expect((await agent.patch('/api/v1/me', { locale: 'en' })).statusCode).toBe(200);
    expect((await agent.get(unknownOrg, { 'accept-language': 'fr' })).data.error.message).toBe('Organization not found.');
  });

  it('translates errors that carry values, and those raised before sign-in', async () => {
    const { org } = await createOrg(t);
    const learner = await addMember(t, org.id, 'learner');
    const url = `/api/v1/orgs/${org.id}/audit-events`;
    const en = await learner.agent.get(url);
    expect(en.statusCode).toBe(403);
    expect(en.data.error.message).toBe('Your role (learner) does not allow this action (audit.read).');
    expect((await learner.agent.patch('/api/v1/me', { locale: 'fr' })).statusCode).toBe(200);
    expect((await learner.agent.get(url)).data.error.message).toBe('Votre rôle (learner) ne permet pas cette action (audit.read).');

    const anonymous = await t.app.inject({ url: '/api/v1/me', headers: { 'accept-language': 'fr' } });
    expect(anonymous.json().error).toEqual({ code: 'unauthenticated', message: 'Connectez-vous pour continuer.' });
    const route = await t.app.inject({ url: '/api/v1/nothing', headers: { 'accept-language': 'fr' } });
    expect(route.json().error.message).toBe('Aucune route GET /api/v1/nothing.');
    const bad = await t.app.inject({ url: `/api/v1/orgs/${'a'.repeat(500)}`, headers: { 'accept-language': 'fr' } });
    expect(bad.json().error.message).toBe('Une partie de l’adresse est trop longue.');
  });
});
