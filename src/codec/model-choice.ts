/**
 * Which model codes which plane group of an image: the one rule used by
 * `compress`, `inspectImage` and (through them) the CLI.
 *
 * Plane groups (image-header.ts `planeGroups`): the colour planes (3
 * channels) of RGB/RGBA images, and 1-channel planes (a gray image, or the
 * alpha of GA/RGBA).
 * - A colour group is coded by `model` when it is a colour (3-channel)
 *   model, else by the default colour model.
 * - A 1-channel group is coded by `grayModel` when given, else by `model`
 *   when it is a gray (1-channel) model, else by the default gray model.
 * - A model that cannot code the plane it is asked for is E_USAGE:
 *   `grayModel` must be a gray model, and a `model` that codes no plane of the
 *   image (a colour model on a gray image without `grayModel`, a gray model on
 *   an RGB image) is refused rather than silently replaced by a default.
 */
import type { Model } from '../flows/model.js';
import { FlowzipError } from './errors.js';
import { planeGroups } from './image-header.js';
import { defaultModel, resolveModel } from './models.js';

/** The models a caller asks for (compress and inspect options, the CLI's --model / --fast). */
export interface ModelChoice {
  /** A model for the planes whose channel count it matches: shipped name, id prefix, `.json` path, or a loaded Model. */
  model?: string | Model;
  /** The model for 1-channel planes (gray images, alpha), whatever `model` is. */
  grayModel?: string | Model;
  /**
   * Effort 1..9 (default 5) for the planes no model is given for: 1 model
   * zero (the fastest, about 15 % larger), 2 the causal models without their
   * online stack, 3–6 the default causal models, 7–9 the strong causal models
   * (a few tenths of a percent smaller, about half the speed). Every level
   * decodes with any flowzip that has the models.
   */
  effort?: number;
}

function kindOf(channels: number): string {
  return channels === 3 ? 'colour (3-channel)' : channels === 1 ? 'gray (1-channel)' : `${channels}-channel`;
}

function imageKind(channels: 1 | 2 | 3 | 4): string {
  return ({ 1: 'gray', 2: 'gray+alpha', 3: 'RGB', 4: 'RGBA' } as const)[channels];
}

/**
 * The model of each plane group of an image with `channels` interleaved
 * channels, in planeGroups order (see the module comment for the rule).
 * `extra` models are found by name or id besides the shipped ones. Throws
 * FlowzipError E_USAGE for a model that cannot code what it is asked to,
 * E_UNKNOWN_MODEL / E_BAD_MODEL from resolving a reference.
 */
export function planeModels(channels: 1 | 2 | 3 | 4, choice: ModelChoice, extra: Model[] = []): Model[] {
  const given = choice.model !== undefined ? resolveModel(choice.model, extra) : null;
  const gray = choice.grayModel !== undefined ? resolveModel(choice.grayModel, extra) : null;
  if (gray && gray.flow.channels !== 1) throw new FlowzipError('E_USAGE', `model ${gray.name} codes ${kindOf(gray.flow.channels)} planes; a gray model is needed for gray and alpha planes`);
  if (given && given.flow.channels !== 1 && given.flow.channels !== 3) throw new FlowzipError('E_USAGE', `model ${given.name} codes ${kindOf(given.flow.channels)} planes, which no image has`);
  const models = planeGroups(channels).map((g) => {
    if (g.count === 3) return given?.flow.channels === 3 ? given : defaultModel(3, extra, choice.effort);
    return gray ?? (given?.flow.channels === 1 ? given : defaultModel(1, extra, choice.effort));
  });
  if (given && !gray && !models.includes(given)) {
    throw new FlowzipError(
      'E_USAGE',
      `model ${given.name} codes ${kindOf(given.flow.channels)} planes and this image is ${imageKind(channels)}: it cannot code it (choose a ${given.flow.channels === 3 ? 'gray' : 'colour'} model)`,
    );
  }
  return models;
}
