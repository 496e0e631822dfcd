/**
 * Exact coded bpsp of a model (shipped name or .json file) on the validation
 * set a training run uses — to compare any model with the runs' "val" figures.
 *   node dist/train/eval-model.js --model zero-rgb --data /tmp/flowzip-train/photo
 *   node dist/train/eval-model.js --model fmnist --fmnist /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
 *   node dist/train/eval-model.js --model fmnist --idx-all /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz   (test split)
 */
import { codedBpsp } from './evaluate.js';
import { evalArgs } from './eval-args.js';

const { model, val, runner } = await evalArgs(process.argv.slice(2));
console.log(`${model.name} (${model.id.slice(0, 8)}): ${codedBpsp(model.flow, runner, val).toFixed(4)} bpsp on ${val.length} images`);
