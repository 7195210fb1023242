import { cloudpodsStartupStepFailed } from './cloudpodsStartupStepFailed.js';
import { crashloopAppError } from './crashloopAppError.js';
import { imageNotFound } from './imageNotFound.js';
import { imagePullUnauthorized } from './imagePullUnauthorized.js';
import { livenessTooStrict } from './livenessTooStrict.js';
import { oomKilled } from './oomKilled.js';
import { pvcUnbound } from './pvcUnbound.js';
import { sidecarNotReady } from './sidecarNotReady.js';
import { unschedulableAffinity } from './unschedulableAffinity.js';
import { unschedulableInsufficientResources } from './unschedulableInsufficientResources.js';
import { unschedulableNodeSelector } from './unschedulableNodeSelector.js';
import { unschedulableTaint } from './unschedulableTaint.js';
import { volumeMultiAttach } from './volumeMultiAttach.js';
import { csiNodePlugin } from './csiNodePlugin.js';

/** Faults of one workload: scheduling, images, probes, crashes, volumes. */
export const podFaults = [
  imageNotFound,
  imagePullUnauthorized,
  unschedulableNodeSelector,
  unschedulableAffinity,
  unschedulableTaint,
  unschedulableInsufficientResources,
  pvcUnbound,
  volumeMultiAttach,
  csiNodePlugin,
  oomKilled,
  crashloopAppError,
  livenessTooStrict,
  cloudpodsStartupStepFailed,
  sidecarNotReady,
];
