import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocalAccess } from '../../../src/nodeaccess/local.js';
import { dbusPeer } from './dbusPeer.js';
import { runHostCheck } from './helpers.js';

const missing = ['dbus-daemon', 'busctl'].filter(
  (t) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', t]).status !== 0,
);
if (missing.length > 0) {
  console.warn(
    `\n!!! SKIPPING the D-Bus checks against a real dbus-daemon: ${missing.join(', ')} not installed (Debian: apt-get install dbus-daemon dbus-bin systemd)\n`,
  );
}

/**
 * A private dbus-daemon configured as a system bus, and busctl pointed at it
 * through DBUS_SYSTEM_BUS_ADDRESS: the checks run their real argv (`busctl
 * --system …`) through the local backend, unchanged.
 */
describe.skipIf(missing.length > 0)('D-Bus host checks against a real dbus-daemon', () => {
  let dir: string;
  let daemon: ChildProcess;
  let socket: string;
  let local: ReturnType<typeof createLocalAccess>;
  const peers: { close(): void }[] = [];
  const node = { node: 'worker-2', busTimeoutSeconds: 1 };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-dbus-'));
    socket = join(dir, 'system_bus_socket');
    writeFileSync(
      join(dir, 'system.conf'),
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`,
    );
    daemon = spawn('dbus-daemon', [`--config-file=${join(dir, 'system.conf')}`, '--nofork', '--print-address'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('dbus-daemon did not print its address')), 10_000);
      daemon.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('unix:path=')) {
          clearTimeout(t);
          resolve();
        }
      });
      daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited ${code}`)));
    });
    local = createLocalAccess({ anyNode: true, env: { DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${socket}` } });
  });

  afterEach(() => {
    daemon.kill('SIGCONT');
    for (const p of peers.splice(0)) p.close();
  });

  afterAll(() => {
    daemon.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function owned(name: string, answer: boolean): Promise<void> {
    peers.push(await dbusPeer(socket, name, { answer }));
    // Until the daemon has processed RequestName the name is not there yet.
    for (let i = 0; i < 50; i++) {
      const r = await runHostCheck('host.dbus-names', node, local);
      if (r.facts.systemd1OnBus === true) return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`${name} never appeared on the bus`);
  }

  it('no systemd on the bus: the daemon answers, systemd1 is not there', async () => {
    const names = await runHostCheck('host.dbus-names', node, local);
    expect(names.outcome).toBe('answering');
    expect(names.facts).toMatchObject({ dbusDaemonAnswers: true, systemd1OnBus: false });
    const ping = await runHostCheck('host.systemd-dbus', node, local);
    expect(ping.outcome).toBe('not-on-bus');
  });

  it('a systemd that answers: Ping comes back', async () => {
    await owned('org.freedesktop.systemd1', true);
    const ping = await runHostCheck('host.systemd-dbus', node, local);
    expect(ping.outcome).toBe('answering');
    expect(ping.command).toBe(
      'busctl --system --timeout=1 call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.DBus.Peer Ping',
    );
  });

  it('a stuck systemd on a healthy bus: Ping times out while the bus lists its names (systemd, not dbus, is stuck)', async () => {
    await owned('org.freedesktop.systemd1', false);
    const ping = await runHostCheck('host.systemd-dbus', node, local);
    expect(ping.outcome).toBe('timeout');
    expect(ping.facts).toMatchObject({ systemdOnDbus: 'timeout', busctlHung: false });
    expect(ping.evidence).toContainEqual({ label: 'busctl', value: 'Call failed: Connection timed out' });
    const names = await runHostCheck('host.dbus-names', node, local);
    expect(names.outcome).toBe('answering');
    expect(names.facts).toMatchObject({ dbusDaemonAnswers: true, systemd1OnBus: true });
  });

  it('a stopped dbus-daemon (kill -STOP): both checks time out, the names check says the daemon does not answer; CONT restores it', async () => {
    daemon.kill('SIGSTOP');
    const [names, ping] = await Promise.all([
      runHostCheck('host.dbus-names', node, local),
      runHostCheck('host.systemd-dbus', node, local),
    ]);
    expect(names.outcome).toBe('no-answer');
    expect(names.facts).toEqual({ dbusDaemonAnswers: false });
    expect(ping.outcome).toBe('timeout');
    expect(ping.facts).toMatchObject({ busctlHung: true });
    daemon.kill('SIGCONT');
    expect((await runHostCheck('host.dbus-names', node, local)).outcome).toBe('answering');
  });

  it('no daemon at all: no-bus', async () => {
    const gone = createLocalAccess({
      anyNode: true,
      env: { DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${join(dir, 'nothing-here')}` },
    });
    expect((await runHostCheck('host.dbus-names', node, gone)).outcome).toBe('no-bus');
    expect((await runHostCheck('host.systemd-dbus', node, gone)).outcome).toBe('no-bus');
  });
});
