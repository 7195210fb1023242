import { describe, expect, it } from 'vitest';
import { fixture, fixtureNames } from './fixtures.js';

describe('host fixtures', () => {
  it.each(fixtureNames())('%s says where it came from and what produced it', (name) => {
    const f = fixture(name);
    expect(f.source.length).toBeGreaterThan(30);
    expect(f.source).toMatch(
      /captured on the plumbline dev machine|github\.com|kubernetes\.io|shared\/incidents|systemd|journalctl|proc\(5\)|ours/,
    );
    expect(f.command).toMatch(
      /^(ps|cat|dmesg|systemctl|journalctl|busctl|crictl|docker|timedatectl|chronyc|df|openssl|ss|iptables-save|nft|top|vmstat|mpstat|sar|pidstat|iostat|dbus-send|gdbus|tail|grep|kubectl)( |$)/,
    );
  });
});
