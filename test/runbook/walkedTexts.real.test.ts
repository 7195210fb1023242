import { realScenarioNames } from '../../src/assets.js';
import { walkedTextsSuite } from './walkedTexts.js';

// Every real case (scenarios/real), walked: see walkedTexts.ts.
walkedTextsSuite(realScenarioNames());
