import { goDuration } from '../../../kube/semantics/duration.js';

/** Go's time.Duration String() of whole seconds (`10s`, `1m20s`, `5m0s`), as the kubelet's back-off message prints it. */
export function goDurationSeconds(seconds: number): string {
  return goDuration(seconds * 1000);
}

// Quantities and the QoS class are Kubernetes rules: one copy, in kube/semantics, for the faults and the admission.
export { milliCPU, parseQuantity, podQosClass as qosClass } from '../../../kube/semantics/quantities.js';
