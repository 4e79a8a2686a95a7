type Job = { id: string; data: unknown };

export type WorkLoop = { name: string; wake(): void; stop(timeoutMs: number): Promise<void> };

/**
 * One queue's worker: keeps up to `batchSize` jobs running, fetching as many as there are free slots in
 * one round trip; fetches again at once while jobs are waiting or a slot frees (no poll interval between
 * them), sleeps `idleMs` only when the queue is empty, and is woken early by `wake()` (a NOTIFY when a job is queued). While jobs run, their
 * lease is renewed every `renewMs`. On stop, running jobs see their signal aborted and get `timeoutMs`
 * to finish; those still running then are handed back to the queue for another worker at once.
 */
export function startWorkLoop(o: {
  name: string;
  batchSize: number;
  idleMs: number;
  renewMs: number;
  fetch(n: number): Promise<Job[] | null>;
  run(job: Job, signal: AbortSignal): Promise<void>;
  complete(id: string): Promise<void>;
  fail(id: string, err: Error): Promise<void>;
  renew(ids: string[]): Promise<void>;
  handBack(ids: string[]): Promise<void>;
}): WorkLoop {
  const abort = new AbortController();
  const running = new Set<string>();
  let stopping = false;
  let sleeper: (() => void) | null = null;
  let woken = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopping) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        sleeper = null;
        resolve();
      }
      sleeper = done;
    });
  const renewal = o.renewMs > 0 ? setInterval(() => running.size && o.renew([...running]).catch(() => {}), o.renewMs).unref() : undefined;

  const runOne = async (job: Job) => {
    try {
      await o.run(job, abort.signal);
      await o.complete(job.id);
    } catch (err) {
      await o.fail(job.id, err instanceof Error ? err : new Error(String(err))).catch(() => {});
    } finally {
      running.delete(job.id);
      // A slot is free: fetch again at once (other jobs may be waiting).
      woken = true;
      sleeper?.();
    }
  };
  const inFlight = new Set<Promise<void>>();

  const loop = (async () => {
    while (!stopping) {
      woken = false;
      const free = o.batchSize - running.size;
      let jobs: Job[] | null = null;
      if (free > 0) {
        try {
          jobs = await o.fetch(free);
        } catch {
          jobs = null;
        }
      }
      for (const job of jobs ?? []) {
        running.add(job.id);
        const p = runOne(job).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      if (!jobs?.length) await sleep(free > 0 ? o.idleMs : 60_000);
    }
    await Promise.all(inFlight);
  })();

  return {
    name: o.name,
    wake() {
      woken = true;
      sleeper?.();
    },
    async stop(timeoutMs) {
      stopping = true;
      sleeper?.();
      abort.abort();
      const finished = await Promise.race([
        loop.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref()),
      ]);
      if (renewal) clearInterval(renewal);
      if (!finished && running.size) await o.handBack([...running]).catch(() => {});
    },
  };
}
