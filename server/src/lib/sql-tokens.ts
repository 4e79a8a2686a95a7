import { type SQL, sql } from 'drizzle-orm';

/**
 * A new random token made by the database, for rows written 100,000 at a time (imports): the same
 * shape as newToken() (43 URL-safe characters) from the bytes of two random (version 4) UUIDs, that is
 * 244 random bits from the server's strong random source (gen_random_uuid needs no extension).
 */
export const newTokenSql = (): SQL =>
  sql`rtrim(translate(encode(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()), 'base64'), '+/', '-_'), '=')`;

/** SHA-256 of a token in hex, as hashToken() computes it: what is stored instead of the token. */
export const hashTokenSql = (token: SQL): SQL => sql`encode(sha256(convert_to(${token}, 'UTF8')), 'hex')`;
