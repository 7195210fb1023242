import { describe, expect, it } from 'vitest';
import { multiAttachLines, parseMultiAttachLine } from '../../../src/checks/pod/multiAttach.js';

// Real lines, as pasted in public threads.
describe('Multi-Attach lines of the attach/detach controller', () => {
  it('reads the 1.7/1.8 controller-manager line: the requesting node only', () => {
    // https://github.com/Azure/acs-engine/issues/2002
    const line =
      'W0105 10:24:00.334518       1 reconciler.go:267] Multi-Attach error for volume "pvc-4c0b9e2b-a48d-11e7-a344-000d3ab7665a" (UniqueName: "kubernetes.io/azure-disk//subscriptions/3770e200-bb58-4d3b-afcb-66c7ce083c3f/resourceGroups/k8s-fleeters-cluster-preproduction/providers/Microsoft.Compute/disks/fleeters-59cd2dcd-dynamic-pvc-4c0b9e2b-a48d-11e7-a344-000d3ab7665a") from node "k8s-k8sworkers-20163042-3" Volume is already exclusively attached to one node and can\'t be attached to another';
    expect(parseMultiAttachLine(line)).toEqual({
      volume: 'pvc-4c0b9e2b-a48d-11e7-a344-000d3ab7665a',
      requester: 'k8s-k8sworkers-20163042-3',
      line,
    });
  });

  it('reads the holding node from the 1.1x controller-manager line', () => {
    // https://github.com/kubernetes/kubernetes/issues/96142 era wording, as quoted in a public post on the 6-minute force detach
    const line =
      'W0811 04:01:25.024422       1 reconciler.go:328] Multi-Attach error for volume "pvc-e97c6ce6-d8a6-11ea-b832-7a866c097df1" (UniqueName: "kubernetes.io/rbd/k8s:kubernetes-dynamic-pvc-f35fc6fa-d8a6-11ea-bd98-aeb6842de1e3") from node "10.0.0.3" Volume is already exclusively attached to node 10.0.0.2 and can\'t be attached to another';
    expect(parseMultiAttachLine(line)).toMatchObject({
      volume: 'pvc-e97c6ce6-d8a6-11ea-b832-7a866c097df1',
      requester: '10.0.0.3',
      holder: '10.0.0.2',
    });
  });

  it('reads the pod an event line in the log is about', () => {
    // https://github.com/kubernetes/kubernetes/issues/50150
    const line =
      'I1024 10:53:32.832702       1 event.go:218] Event(v1.ObjectReference{Kind:"Pod", Namespace:"smblab-system", Name:"righteous-chimp-smblab-4105893582-ts2mq", UID:"89203cf6-b8a9-11e7-8160-000d3ab035ee", APIVersion:"v1", ResourceVersion:"346815", FieldPath:""}): type: \'Warning\' reason: \'FailedAttachVolume\' Multi-Attach error for volume "pvc-734b583d-b7e3-11e7-a957-000d3ab03706" Volume is already exclusively attached to one node and can\'t be attached to another';
    expect(parseMultiAttachLine(line)).toMatchObject({
      volume: 'pvc-734b583d-b7e3-11e7-a957-000d3ab03706',
      pod: 'smblab-system/righteous-chimp-smblab-4105893582-ts2mq',
    });
    expect(parseMultiAttachLine(line)?.holder).toBeUndefined();
  });

  it('reads the pods still using the claim from a structured (1.2x) log line', () => {
    // https://github.com/longhorn/longhorn/issues/6804
    const line =
      '2023-09-28T07:27:51.044177264Z I0928 07:27:51.044106       1 event.go:294] "Event occurred" object="uipath/insights-insightslooker-0" fieldPath="" kind="Pod" apiVersion="v1" type="Warning" reason="FailedAttachVolume" message="Multi-Attach error for volume \\"pvc-feef0ae4-6277-4f39-ace2-b5fb94d3c4ad\\" Volume is already used by pod(s) insights-insightslooker-6fc49ccf9d-c8f97"';
    expect(parseMultiAttachLine(line)).toMatchObject({
      volume: 'pvc-feef0ae4-6277-4f39-ace2-b5fb94d3c4ad',
      usedBy: ['insights-insightslooker-6fc49ccf9d-c8f97'],
      pod: 'uipath/insights-insightslooker-0',
    });
  });

  it('reads the pods from the event wording', () => {
    // https://github.com/openebs/openebs/issues/2536
    expect(
      parseMultiAttachLine(
        'Multi-Attach error for volume "pvc-ec895697-ee1b-11e8-af5c-061beeeea362" Volume is already used by pod(s) percona-58bdfcd4df-sg7rs',
      ),
    ).toMatchObject({
      volume: 'pvc-ec895697-ee1b-11e8-af5c-061beeeea362',
      usedBy: ['percona-58bdfcd4df-sg7rs'],
    });
  });

  it('keeps only the lines about the given volumes, by PV name or unique name', () => {
    const log = [
      'I1024 10:53:32.832702       1 event.go:218] Event(v1.ObjectReference{Kind:"Pod", Namespace:"a", Name:"b", UID:"u", APIVersion:"v1", ResourceVersion:"1", FieldPath:""}): type: \'Warning\' reason: \'FailedAttachVolume\' Multi-Attach error for volume "pvc-1" Volume is already exclusively attached to one node and can\'t be attached to another',
      'I1024 10:53:33.000000       1 reconciler.go:208] Started AttachVolume for volume "x" to node "n"',
      'W1024 10:53:34.000000       1 reconciler.go:267] Multi-Attach error for volume "pvc-2" (UniqueName: "kubernetes.io/csi/driver^vol-9") from node "n" Volume is already exclusively attached to one node and can\'t be attached to another',
    ].join('\n');
    expect(multiAttachLines(log, new Set(['vol-9'])).map((l) => l.volume)).toEqual(['pvc-2']);
    expect(multiAttachLines(log, new Set(['pvc-1'])).map((l) => l.volume)).toEqual(['pvc-1']);
  });
});
