import { createSocket, type RemoteInfo } from 'node:dgram';

// A minimal DNS server on loopback for tests: answers TXT queries (UDP) from a map of names to
// records; a name absent from the map is NXDOMAIN, a known name without TXT records answers no data.
// Enough for node:dns `Resolver.resolveTxt` pointed at it with `setServers(['127.0.0.1:<port>'])`.

export type TestDnsServer = {
  /** `host:port`, as `DNS_SERVERS` takes it. */
  address: string;
  /** TXT records by lower-case name; each record may be split into several strings. */
  records: Map<string, string[][]>;
  /** Sets the TXT records of a name (each a single string). */
  setTxt(name: string, values: string[]): void;
  /** Names asked for, in order (lower case). */
  queries: string[];
  close(): Promise<void>;
};

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (i < msg.length) {
    const len = msg[i] ?? 0;
    if (len === 0) return { name: labels.join('.'), end: i + 1 };
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('latin1'));
    i += 1 + len;
  }
  throw new Error('truncated name');
}

function txtRdata(strings: string[]): Buffer {
  const parts: Buffer[] = [];
  for (const s of strings) {
    const bytes = Buffer.from(s, 'utf8');
    for (let i = 0; i < Math.max(1, bytes.length); i += 255) {
      const chunk = bytes.subarray(i, i + 255);
      parts.push(Buffer.from([chunk.length]), chunk);
    }
  }
  return Buffer.concat(parts);
}

function answer(query: Buffer, records: Map<string, string[][]>, seen: string[]): Buffer | null {
  if (query.length < 12) return null;
  const { name, end } = readName(query, 12);
  const qtype = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const lower = name.toLowerCase();
  seen.push(lower);
  const known = records.get(lower);
  const rcode = known === undefined ? 3 : 0;
  const rrs = qtype === 16 && known ? known : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // id
  header.writeUInt16BE(0x8180 | (query.readUInt16BE(2) & 0x0100) | rcode, 2); // response, recursion available
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rrs.length, 6);
  const answers = rrs.map((strings) => {
    const rdata = txtRdata(strings);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    rr.writeUInt16BE(16, 2); // TXT
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([rr, rdata]);
  });
  return Buffer.concat([header, question, ...answers]);
}

/** Starts the server on 127.0.0.1 and a free port (or the port given). */
export async function startDnsServer(o: { port?: number } = {}): Promise<TestDnsServer> {
  const socket = createSocket('udp4');
  const records = new Map<string, string[][]>();
  const queries: string[] = [];
  socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    try {
      const reply = answer(msg, records, queries);
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
    } catch {
      // a malformed query gets no answer
    }
  });
  await new Promise<void>((resolve) => socket.bind(o.port ?? 0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    records,
    queries,
    setTxt: (name, values) =>
      void records.set(
        name.toLowerCase(),
        values.map((v) => [v]),
      ),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
