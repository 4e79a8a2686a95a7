/** Delivers an endpoint's due messages, in order. */
export const DELIVER_JOB = 'webhooks.deliver';
/** Every minute: endpoints with due deliveries and no live worker (after a crash, a restart). */
export const SWEEP_JOB = 'webhooks.sweep';
