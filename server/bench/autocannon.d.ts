// The part of autocannon's API the load benchmark uses (the package ships no types).
declare module 'autocannon' {
  type Result = {
    statusCodeStats?: Record<string, { count: number }>;
    errors: number;
    timeouts: number;
    latency: { p50: number; p99: number };
  };
  type Request = { method?: string; setupRequest?: (req: Record<string, unknown>) => Record<string, unknown> };
  type Options = { url: string; connections: number; amount?: number; duration?: number; timeout?: number; requests?: Request[] };
  export default function autocannon(opts: Options): Promise<Result>;
}
