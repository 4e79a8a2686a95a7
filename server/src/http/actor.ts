import type { FastifyRequest } from 'fastify';
import { actorOf } from './auth.js';

/** The acting account with the client address, as services and the audit log take it. */
export const actorFrom = (req: FastifyRequest) => ({ ...actorOf(req), ip: req.ip });
