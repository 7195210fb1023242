import { bundledNames } from '../../src/assets.js';
import { walkedTextsSuite } from './walkedTexts.js';

// Every bundled scenario, walked: see walkedTexts.ts.
walkedTextsSuite(bundledNames('scenarios'));
