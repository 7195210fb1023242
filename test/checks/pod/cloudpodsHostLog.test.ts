import { describe, expect, it } from 'vitest';
import { classifyLog, decisive } from '../../../src/checks/pod/logPatterns.js';

// The Cloudpods host service's start-up failures, as pasted in public issues.
describe('classifyLog on the Cloudpods host container', () => {
  it('names the step inside "Host instance init error" (https://github.com/yunionio/cloudpods/issues/17523)', () => {
    const m = decisive(
      classifyLog(
        [
          '[info 2023-07-13 22:10:02 hostinfo.(*SHostInfo).prepareEnv(hostinfo.go:404)] I/O Scheduler switch to none',
          '[info 2023-07-13 22:10:02 fileutils2.ChangeBlkdevParameter(fileutils.go:202)] Set queue/scheduler of sda to none',
          '[fatal 2023-07-13 22:10:02 hostman.(*SHostService).RunService(host_services.go:79)] Host instance init error: Prepare environment: hugepage 1024 nr 0',
        ].join('\n'),
      ),
    );
    expect(m).toMatchObject({ class: 'startup-step-failed', detail: 'Prepare environment: hugepage 1024 nr 0' });
  });

  it('the bare message (https://github.com/yunionio/cloudpods/issues/19281)', () => {
    expect(decisive(classifyLog('Host instance init error: Prepare environment: hugepage 1024 nr 0'))?.detail).toBe(
      'Prepare environment: hugepage 1024 nr 0',
    );
  });

  it("the 2020 glog form, after modprobe's own error (https://github.com/yunionio/cloudpods/issues/5274)", () => {
    const m = decisive(
      classifyLog(
        [
          "[E 200227 15:42:55 procutils.(*Command).Output(procutils.go:87)] Execute command \"modprobe tun\" , error: exit status 1 , output: modprobe: can't change directory to '/lib/modules': No such file or directory",
          '',
          '[F 200227 15:42:55 hostman.(*SHostService).RunService(host_services.go:92)] Failed to activate tun/tap device',
        ].join('\n'),
      ),
    );
    expect(m).toMatchObject({ class: 'startup-step-failed', detail: 'Failed to activate tun/tap device' });
  });
});
