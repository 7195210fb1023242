import { notApplicableKind } from '../checks/types.js';

export { notApplicableKind };

/** Such a result is shown as "not applicable", never as an error or a blind spot. */
export function notApplicable(facts: Readonly<Record<string, unknown>>): boolean {
  return facts.errorKind === notApplicableKind;
}
