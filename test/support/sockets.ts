// The sockets a process listens on, read from Linux's /proc: the socket inodes among its open file
// descriptors (`/proc/<pid>/fd` → `socket:[inode]`) matched with the listening entries of its
// network namespace's tables (`/proc/<pid>/net/tcp`, `tcp6`, `unix`). Covers every thread of the
// process (they share the descriptor table), whoever opened the socket.
import * as fs from 'node:fs';

export interface ListeningSockets {
  /** TCP sockets in state LISTEN: address as written by `net` (`127.0.0.1`, `::1`, `0.0.0.0`, `::`). */
  tcp: { address: string; port: number }[];
  /** Unix domain sockets accepting connections: their paths (`@name` for the abstract namespace). */
  unix: string[];
}

export function listeningSockets(pid: number): ListeningSockets {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const link = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (link) inodes.add(link[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const rows = (table: string): string[][] =>
    fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.trim().split(/\s+/));
  const tcp: ListeningSockets['tcp'] = [];
  for (const table of ['tcp', 'tcp6']) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    for (const row of rows(table)) {
      if (row[3] === '0A' && inodes.has(row[9]!)) {
        const [address, port] = row[1]!.split(':');
        tcp.push({ address: table === 'tcp' ? ipv4(address!) : ipv6(address!), port: parseInt(port!, 16) });
      }
    }
  }
  // Num RefCount Protocol Flags Type St Inode Path; flag 0x10000 (__SO_ACCEPTCON) marks a listener.
  const unix = rows('unix')
    .filter((row) => (parseInt(row[3]!, 16) & 0x10000) !== 0 && inodes.has(row[6]!))
    .map((row) => row[7] ?? '(unnamed)');
  return { tcp, unix };
}

/** `0100007F` → `127.0.0.1` (the kernel prints the 32-bit word in host order: little-endian here). */
function ipv4(hex: string): string {
  return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
}

/** Four little-endian 32-bit words → the usual compressed IPv6 form (`::1`, `::`). */
function ipv6(hex: string): string {
  const bytes: number[] = [];
  for (let word = 0; word < 4; word++) for (const i of [3, 2, 1, 0]) bytes.push(parseInt(hex.slice(word * 8 + i * 2, word * 8 + i * 2 + 2), 16));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  const mapped = groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff';
  if (mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Whether `address` is a loopback address. */
export const isLoopback = (address: string): boolean => address === '::1' || /^127\./.test(address) || /^::ffff:127\./.test(address);
