import { connect } from 'node:net';
import type { Socket } from 'node:net';

/**
 * A D-Bus peer that owns a name: with `answer: false` it never replies, which
 * is what a stuck systemd looks like from the bus; with `answer: true` it
 * returns an empty reply to every call (enough for Peer.Ping). Speaks just
 * enough of the wire protocol (SASL EXTERNAL, Hello, RequestName, METHOD_RETURN).
 */
export async function dbusPeer(
  socketPath: string,
  name: string,
  { answer }: { answer: boolean },
): Promise<{ close(): void }> {
  const sock: Socket = connect(socketPath);
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  const uid = Buffer.from(String(process.getuid?.() ?? 0)).toString('hex');
  sock.write(`\0AUTH EXTERNAL ${uid}\r\n`);
  await new Promise<void>((resolve, reject) => {
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString('latin1');
      if (!got.includes('\r\n')) return;
      sock.off('data', onData);
      if (got.startsWith('OK ')) resolve();
      else reject(new Error(`D-Bus auth refused: ${got.trim()}`));
    };
    sock.on('data', onData);
  });
  sock.write('BEGIN\r\n');
  sock.write(methodCall(1, 'org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'Hello'));
  sock.write(
    methodCall(2, 'org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'RequestName', 'su', (w) => {
      w.string(name);
      w.u32(0);
    }),
  );
  let pending = Buffer.alloc(0);
  let serial = 100;
  sock.on('data', (d: Buffer) => {
    if (!answer) return; // every call to us goes unanswered
    pending = Buffer.concat([pending, d]);
    for (let m = nextMessage(pending); m; m = nextMessage(pending)) {
      pending = pending.subarray(m.length);
      if (m.type === 1 && !(m.flags & 1) && m.sender) sock.write(methodReturn(++serial, m.serial, m.sender));
    }
  });
  return { close: () => sock.destroy() };
}

interface Incoming {
  length: number;
  type: number;
  flags: number;
  serial: number;
  sender?: string;
}

/** The next whole message in the buffer (little-endian, as dbus-daemon sends to a little-endian peer). */
function nextMessage(b: Buffer): Incoming | undefined {
  if (b.length < 16) return undefined;
  const bodyLen = b.readUInt32LE(4);
  const fieldsLen = b.readUInt32LE(12);
  const headerEnd = 16 + fieldsLen + ((8 - ((16 + fieldsLen) % 8)) % 8);
  const length = headerEnd + bodyLen;
  if (b.length < length) return undefined;
  let sender: string | undefined;
  let at = 16;
  while (at < 16 + fieldsLen) {
    at += (8 - (at % 8)) % 8;
    const code = b.readUInt8(at);
    const sigLen = b.readUInt8(at + 1);
    const sig = b.toString('ascii', at + 2, at + 2 + sigLen);
    at += 3 + sigLen;
    if (sig === 's' || sig === 'o') {
      at += (4 - (at % 4)) % 4;
      const len = b.readUInt32LE(at);
      const value = b.toString('utf8', at + 4, at + 4 + len);
      if (code === 7) sender = value;
      at += 4 + len + 1;
    } else if (sig === 'u') {
      at += (4 - (at % 4)) % 4;
      at += 4;
    } else if (sig === 'g') {
      at += 1 + b.readUInt8(at) + 1;
    } else {
      break;
    }
  }
  return { length, type: b.readUInt8(1), flags: b.readUInt8(2), serial: b.readUInt32LE(8), sender };
}

function methodReturn(serial: number, replyTo: number, dest: string): Buffer {
  const h = new Writer();
  h.byte(0x6c);
  h.byte(2); // METHOD_RETURN
  h.byte(0);
  h.byte(1);
  h.u32(0);
  h.u32(serial);
  const lengthAt = h.bytes.length;
  h.u32(0);
  h.align(8);
  const start = h.bytes.length;
  h.align(8);
  h.byte(5); // REPLY_SERIAL
  h.signature('u');
  h.u32(replyTo);
  h.align(8);
  h.byte(6); // DESTINATION
  h.signature('s');
  h.string(dest);
  const len = h.bytes.length - start;
  h.bytes.splice(lengthAt, 4, len & 0xff, (len >>> 8) & 0xff, (len >>> 16) & 0xff, (len >>> 24) & 0xff);
  h.align(8);
  return Buffer.from(h.bytes);
}

class Writer {
  bytes: number[] = [];
  align(n: number): void {
    while (this.bytes.length % n !== 0) this.bytes.push(0);
  }
  byte(b: number): void {
    this.bytes.push(b & 0xff);
  }
  u32(v: number): void {
    this.align(4);
    this.bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u32(b.length);
    this.bytes.push(...b, 0);
  }
  signature(s: string): void {
    this.byte(s.length);
    this.bytes.push(...Buffer.from(s, 'ascii'), 0);
  }
}

function methodCall(
  serial: number,
  dest: string,
  path: string,
  iface: string,
  member: string,
  sig?: string,
  body?: (w: Writer) => void,
): Buffer {
  const b = new Writer();
  body?.(b);
  const h = new Writer();
  h.byte(0x6c); // 'l': little endian
  h.byte(1); // METHOD_CALL
  h.byte(0);
  h.byte(1); // protocol version
  h.u32(b.bytes.length);
  h.u32(serial);
  const lengthAt = h.bytes.length;
  h.u32(0);
  h.align(8);
  const start = h.bytes.length;
  const field = (code: number, type: string, write: () => void) => {
    h.align(8);
    h.byte(code);
    h.signature(type);
    write();
  };
  field(1, 'o', () => h.string(path));
  field(2, 's', () => h.string(iface));
  field(3, 's', () => h.string(member));
  field(6, 's', () => h.string(dest));
  if (sig) field(8, 'g', () => h.signature(sig));
  const len = h.bytes.length - start;
  h.bytes.splice(lengthAt, 4, len & 0xff, (len >>> 8) & 0xff, (len >>> 16) & 0xff, (len >>> 24) & 0xff);
  h.align(8);
  return Buffer.from([...h.bytes, ...b.bytes]);
}
