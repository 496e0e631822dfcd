/**
 * The known value range of a flow's latents. A flow made only of squeezes,
 * permutes and splits (no coupling changes a value) that is pixel-exact
 * (flows/padding.ts) codes the input samples themselves, so every latent lies
 * in [inputMin, inputMax]; from format v4 the coder gives such latents a CDF
 * over exactly that range (quant/logistic-cdf.ts `support`): no probability is
 * spent on impossible values and nothing escapes.
 */
import { isPixelExact } from './padding.js';
import { walkSteps, type FlowSpec } from './spec.js';

/** [inputMin, inputMax] when every latent of the flow is an input sample, else null (latents of couplings have no fixed range here). Throws on an unknown step type. */
export function latentSupport(spec: FlowSpec): readonly [number, number] | null {
  const changesValues = walkSteps(spec, { squeeze: () => false, coupling: () => true, permute: () => false, split: () => false, top: () => false });
  if (changesValues.includes(true)) return null;
  return isPixelExact(spec) ? [spec.inputMin, spec.inputMax] : null;
}
