/** Experiment specs of the four papers, by profile. */
import type { ExperimentSpec, PaperName, ProfileName } from '../spec';
import { PAPER_NAMES, PROFILE_NAMES } from '../spec';
import { dhanExperiments } from './dhan';
import { dienExperiments } from './dien';
import { dinExperiments } from './din';
import { dminExperiments } from './dmin';

export { DIN_TEMPLATES } from './din';
export { DIEN_TEMPLATES } from './dien';
export { DMIN_TEMPLATES } from './dmin';
export { DHAN_TEMPLATES } from './dhan';
export { buildExperiment } from './build';
export type { PaperExperimentTemplate, PaperVariant } from './build';
export { profileSettings } from './profiles';
export type { ProfileSettings } from './profiles';

/** Every experiment of `paper` under `profile`. */
export function paperExperiments(paper: PaperName, profile: ProfileName = 'default'): ExperimentSpec[] {
  if (!(PAPER_NAMES as readonly string[]).includes(paper)) {
    throw new Error(`unknown paper "${paper}"; expected one of: ${PAPER_NAMES.join(', ')}`);
  }
  if (!(PROFILE_NAMES as readonly string[]).includes(profile)) {
    throw new Error(`unknown profile "${profile}"; expected one of: ${PROFILE_NAMES.join(', ')}`);
  }
  switch (paper) {
    case 'din':
      return dinExperiments(profile);
    case 'dien':
      return dienExperiments(profile);
    case 'dmin':
      return dminExperiments(profile);
    case 'dhan':
      return dhanExperiments(profile);
  }
}
