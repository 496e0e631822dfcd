/**
 * The flowzip command line: the commander program (commands, options, help)
 * and `main`, which runs it and turns every outcome into an exit status:
 * 0 success, 1 some file failed, 2 usage error. Errors are one line on
 * stderr; stack traces only with FLOWZIP_DEBUG=1.
 */
import { Command, CommanderError, Option } from 'commander';
import { rewriteGzipStyle } from './argv.js';
import { testCommand } from './check.js';
import { compressCommand } from './compress.js';
import { decompressCommand } from './decompress.js';
import { UsageError } from './errors.js';
import { COMMAND_EXAMPLES, DESCRIPTION, EXIT, EXIT_CODES, MAIN_EXAMPLES, modelsHelp, packageVersion } from './help.js';
import { infoCommand, type InfoFlags } from './info.js';
import { trainCommand, type TrainFlags } from './train.js';
import { TRAIN_PRESET_NAMES, type TrainerLoader } from '../codec/trainer.js';
import { inspectCommand, type InspectFlags } from './inspect.js';
import { guardStdout } from './io.js';
import { Log } from './log.js';
import { BACKENDS, METHODS, collect, parseByteSize, parseEffort, parseMaxPixels, parseWorkers, type CompressFlags, type DecompressFlags, type TestFlags } from './options.js';

/** Names (and aliases) of the commands, for the gzip-style rewrite (argv.ts). */
const COMMAND_NAMES = new Set(['compress', 'c', 'decompress', 'd', 'test', 't', 'info', 'list', 'inspect', 'train', 'help']);

/** What running the program produced: an exit status, and the command that ran (for usage hints). */
interface RunState {
  status: number;
  command: string | null;
}

/** What the launcher supplies to the program beyond argv. */
export interface MainHooks {
  /** Loads the optional training code for `flowzip train` (codec/trainer.ts); without it, train fails with a clear message. */
  loadTrainer?: TrainerLoader;
}

/** `flowzip: message (see 'flowzip CMD --help')` on stderr. */
function printUsageError(message: string, state: RunState): void {
  const help = state.command ? `flowzip ${state.command} --help` : 'flowzip --help';
  process.stderr.write(`flowzip: ${message} (see '${help}')\n`);
}

function verbosityOptions(cmd: Command): Command {
  return cmd.option('-q, --quiet', 'no warnings and no progress bar (errors are still shown)').option('-v, --verbose', 'one line per file: sizes, ratio, method, bpsp, model, backend, workers, time');
}

function outputOptions(cmd: Command, what: string): Command {
  return cmd
    .option('-o, --output <file>', `write the ${what} to FILE (a single input only; - for stdout)`)
    .option('-c, --stdout', `write the ${what} to stdout; no file is created`)
    .option('-f, --force', 'overwrite existing output files')
    .option('-k, --keep', 'keep the inputs (the default; for gzip habits)')
    .option('--rm', 'remove each input once its output is written (and, for compress, verified)');
}

function recursiveOption(cmd: Command, which: string): Command {
  return cmd.option('-r, --recursive', `FILE may be a folder: take ${which} in it and its subfolders`);
}

/** Options of the commands that decode streams (decompress, test). */
function decodingOptions(cmd: Command): Command {
  return cmd
    .option('--model <file.json>', 'a model file a stream needs that this build does not ship (repeatable)', collect, [])
    .addOption(backendOption())
    .addOption(workersOption())
    .addOption(maxPixelsOption())
    .addOption(new Option('--max-output <bytes>', 'refuse streams that declare more than N bytes of output, e.g. 500M or 2GiB (default 4GiB)').argParser(parseByteSize));
}

function backendOption(): Option {
  return new Option('--backend <name>', 'compute backend; every backend gives identical bytes').choices(BACKENDS).default('auto');
}

function workersOption(): Option {
  return new Option('--workers <n>', 'threads that code tiles in parallel (default: min(2, cores); 0 or 1: none); the output is the same').argParser(parseWorkers);
}

function maxPixelsOption(compressing = false): Option {
  const what = compressing
    ? 'code images up to N pixels (width × height) as images; a larger one is stored as raw bytes, never refused (default 2^26 = 64Mi)'
    : 'refuse streams of images larger than N pixels (width × height; default 2^28)';
  return new Option('--max-pixels <n>', what).argParser(parseMaxPixels);
}

/** Builds the commander program; actions store their exit status in `state`. */
export function buildProgram(state: RunState, hooks: MainHooks = {}): Command {
  const program = new Command('flowzip');
  program
    .description(DESCRIPTION)
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help (also: flowzip COMMAND --help)')
    .usage('[COMMAND] [options] [FILE…]   (no COMMAND: compress; -d decompress, -t test, -l list)')
    .exitOverride()
    .configureOutput({
      outputError: (text) => {
        const message = text.replace(/^error: /, '').trim();
        printUsageError(message, state);
      },
    })
    .addHelpText('after', () => `\n${MAIN_EXAMPLES}\n\n${modelsHelp()}\n\n${EXIT_CODES}`)
    .hook('preSubcommand', (_root, sub) => {
      state.command = sub.name();
    });

  const compress = program
    .command('compress')
    .alias('c')
    .summary('compress files to FILE.fz (images with the flow, anything else with brotli or stored)')
    .description(
      'Compress each FILE to FILE.fz next to it, keeping FILE (unless --rm). With no FILE, or FILE -, read stdin and write stdout. The command name may be left out: flowzip FILE… compresses.',
    )
    .usage('[options] [FILE…]')
    .argument('[FILE...]', 'files to compress (- or none: stdin)');
  recursiveOption(outputOptions(compress, 'compressed stream'), 'every file (except .fz files)')
    .option(
      '--model <name|file.json>',
      'model (shipped name, id, or model file): a gray model codes gray images and alpha planes, a colour model colour images; a file it cannot code fails with a usage error',
    )
    .addOption(new Option('--effort <n>', 'effort 1 (fastest) to 9 (smallest), default 5; also -1 … -9').argParser(parseEffort))
    .option('--fast', 'effort 1: model zero (zero-rgb, zero-gray), the fastest: about 3× faster, about 15 % larger; effort 2 is the causal models without their online stack')
    .option('--best', 'effort 9: the strong causal models (RLS stack: a few tenths of a percent smaller, about half the speed)')
    .addOption(backendOption())
    .addOption(new Option('--method <method>', 'auto keeps the smallest; flow, brotli or stored force one where possible').choices(METHODS).default('auto'))
    .addOption(workersOption())
    .addOption(maxPixelsOption(true));
  for (let d = 1; d <= 9; d++) compress.addOption(new Option(`-${d}`, `effort ${d}`).hideHelp());
  verbosityOptions(compress)
    .addHelpText('after', () => `\n${COMMAND_EXAMPLES.compress}\n\n${modelsHelp()}\n\n${EXIT_CODES}`)
    .action(async (files: string[], flags: CompressFlags) => {
      state.status = await compressCommand(files, flags);
    });

  const decompress = program
    .command('decompress')
    .alias('d')
    .summary('decompress FILE.fz back to FILE (also: flowzip -d)')
    .description('Decompress each FILE.fz to FILE next to it, keeping FILE.fz (unless --rm). With no FILE, or FILE -, read stdin and write stdout.')
    .usage('[options] [FILE.fz…]')
    .argument('[FILE.fz...]', 'streams to decompress (- or none: stdin)');
  decodingOptions(recursiveOption(outputOptions(decompress, 'decompressed file'), 'every .fz file'));
  verbosityOptions(decompress)
    .addHelpText('after', () => `\n${COMMAND_EXAMPLES.decompress}\n\n${EXIT_CODES}`)
    .action(async (files: string[], flags: DecompressFlags) => {
      state.status = await decompressCommand(files, flags);
    });

  const test = program
    .command('test')
    .alias('t')
    .summary('decode and verify FILE.fz without writing anything (also: flowzip -t)')
    .description(
      'Decode each FILE.fz and verify it (format, model, checksum of the original) without writing anything. Prints FILE.fz: OK for each good stream; a bad one is an error (exit status 1).',
    )
    .usage('[options] [FILE.fz…]')
    .argument('[FILE.fz...]', 'streams to test (- or none: stdin)');
  verbosityOptions(decodingOptions(recursiveOption(test, 'every .fz file')))
    .addHelpText('after', () => `\n${COMMAND_EXAMPLES.test}\n\n${EXIT_CODES}`)
    .action(async (files: string[], flags: TestFlags) => {
      state.status = await testCommand(files, flags);
    });

  const info = program
    .command('info')
    .alias('list')
    .summary('describe .fz streams: method, image size, models, bits per subpixel (also: flowzip -l)')
    .description('Describe each FILE.fz from its header (nothing is decoded): format version, method, image size and channels, models, compressed size, bits per subpixel.')
    .usage('[options] [FILE.fz…]')
    .argument('[FILE.fz...]', 'streams to describe (- or none: stdin)')
    .option('--json', 'print a JSON array with one object per file');
  recursiveOption(info, 'every .fz file');
  verbosityOptions(info)
    .addHelpText('after', () => `\n${COMMAND_EXAMPLES.info}\n\n${EXIT_CODES}`)
    .action(async (files: string[], flags: InfoFlags) => {
      state.status = await infoCommand(files, flags);
    });

  const inspect = program
    .command('inspect')
    .summary('heatmap of where the bits of an image go, and its bpsp per plane')
    .description("Compute every pixel's exact code length under the model (what compress would spend on it), write it as a heatmap PNG, and print the total and per-plane bits per subpixel.")
    .argument('<IMAGE>', 'PNG, PGM or PPM image (8-bit)')
    .option('-o, --output <heatmap.png>', 'write the heatmap here')
    .option('-f, --force', 'overwrite the heatmap file')
    .option('--model <name|file.json>', 'model, as for compress')
    .addOption(backendOption())
    .option('--json', 'print the figures as JSON');
  verbosityOptions(inspect)
    .addHelpText('after', '\nExamples:\n  flowzip inspect photo.png -o heat.png\n  flowzip inspect --json --model zero-rgb photo.png')
    .action(async (file: string, flags: InspectFlags) => {
      state.status = await inspectCommand(file, flags);
    });

  program
    .command('train')
    .summary('fit a model on your own images (then: compress --model MODEL)')
    .description('Train a learned model on the 8-bit PNG images in DIR and write it to --out. Resumable: run the same command again to continue from the checkpoints in OUT.run/.')
    .argument('<DIR>', 'folder of PNG images (RGB or gray)')
    .requiredOption('--out <model>', 'model file to write (JSON)')
    .option('--arch <name>', `architecture preset: ${TRAIN_PRESET_NAMES.join(', ')} (default: photo for RGB, gray for gray; MODELS.md compares them)`)
    .option('--minutes <n>', 'stop after N minutes (default 30)')
    .option('--steps <n>', 'stop after N steps')
    .option('--run <dir>', 'checkpoint folder (default OUT.run)')
    .option('--batch <n>', 'patches per step (new runs)')
    .option('--patch <n>', 'patch size in pixels, a multiple of 32 (new runs)')
    .option('-q, --quiet', 'no progress output')
    .addHelpText('after', '\nExamples:\n  flowzip train my-photos/ --out mine.json --minutes 60\n  flowzip compress --model mine.json photo.png\n  flowzip decompress --model mine.json photo.png.fz')
    .action(async (dir: string, flags: TrainFlags) => {
      state.status = await trainCommand(dir, flags, hooks.loadTrainer);
    });

  return program;
}

/**
 * Runs the CLI on `argv` (as `process.argv`: node, script, arguments) and
 * returns the exit status; never throws, never exits the process itself.
 */
export async function main(argv: string[], hooks: MainHooks = {}): Promise<number> {
  const state: RunState = { status: EXIT.ok, command: null };
  guardStdout();
  try {
    const program = buildProgram(state, hooks);
    await program.parseAsync(rewriteGzipStyle(argv.slice(2), COMMAND_NAMES), { from: 'user' });
    return state.status;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander printed the message (or the help) already.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      printUsageError(error.message, state);
      return EXIT.usage;
    }
    new Log({ quiet: false, verbose: false }).error(error);
    return EXIT.failed;
  }
}
