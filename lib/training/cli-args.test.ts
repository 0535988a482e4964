import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainArgs, trainingDate, UsageError } from './cli-args';

const NOW = new Date('2025-03-04T23:59:00Z');

describe('model:train arguments', () => {
  it('takes name and version from --out and applies the defaults', () => {
    const args = parseTrainArgs(['--out', 'models/reactor-yield/1.2.0'], {}, NOW);
    expect(args).toMatchObject({
      out: path.normalize('models/reactor-yield/1.2.0'),
      name: 'reactor-yield',
      version: '1.2.0',
      target: 'yield',
      rows: 10000,
      trees: 100,
      depth: 10,
      minSamplesLeaf: 5,
      seed: 42,
      trainedAt: '2025-03-04',
    });
    expect(args.data).toBeUndefined();
  });

  it('chooses regressor, sampling design and band, refusing values it does not know', () => {
    expect(parseTrainArgs(['--out', 'm/a/1'], {}, NOW)).toMatchObject({
      regressor: 'forest',
      design: 'uniform',
      band: 'conformal',
      coverage: 0.9,
      learningRate: 0.1,
    });
    const args = parseTrainArgs(
      ['--out', 'm/a/1', '--regressor', 'boosted', '--design', 'lhs', '--learning-rate', '0.2', '--coverage', '0.95'],
      {},
      NOW,
    );
    expect(args).toMatchObject({ regressor: 'boosted', design: 'lhs', learningRate: 0.2, coverage: 0.95 });
    expect(() => parseTrainArgs(['--out', 'm/a/1', '--regressor', 'svm'], {}, NOW)).toThrow(UsageError);
    expect(() => parseTrainArgs(['--out', 'm/a/1', '--coverage', '1'], {}, NOW)).toThrow(/--coverage/);
    expect(() => parseTrainArgs(['--out', 'm/a/1', '--band', 'wide'], {}, NOW)).toThrow(/--band/);
  });

  it('reads every flag', () => {
    const args = parseTrainArgs(
      [
        '--out',
        'x/m/2',
        '--data',
        'd.csv',
        '--target',
        'y',
        '--trees',
        '7',
        '--depth',
        '3',
        '--seed',
        '0',
        '--min-samples-leaf',
        '2',
        '--rows',
        '500',
        '--name',
        'other',
        '--version',
        '9',
      ],
      {},
      NOW,
    );
    expect(args).toMatchObject({
      data: 'd.csv',
      target: 'y',
      trees: 7,
      depth: 3,
      seed: 0,
      minSamplesLeaf: 2,
      rows: 500,
      name: 'other',
      version: '9',
    });
  });

  it('refuses a missing --out, unknown flags and bad numbers', () => {
    expect(() => parseTrainArgs([], {}, NOW)).toThrow(UsageError);
    expect(() => parseTrainArgs(['--out', 'a/b', '--treez', '3'], {}, NOW)).toThrow(UsageError);
    expect(() => parseTrainArgs(['--out', 'a/b', '--trees', '2.5'], {}, NOW)).toThrow(
      '--trees must be an integer >= 1, got "2.5"',
    );
    expect(() => parseTrainArgs(['--out', 'a/b', '--depth', '0'], {}, NOW)).toThrow('--depth must be an integer >= 1');
  });

  it('dates the package by --trained-at, else SOURCE_DATE_EPOCH, else today (UTC)', () => {
    expect(trainingDate('2024-02-29', '0', NOW)).toBe('2024-02-29');
    expect(trainingDate(undefined, '1700000000', NOW)).toBe('2023-11-14');
    expect(trainingDate(undefined, undefined, NOW)).toBe('2025-03-04');
    expect(trainingDate(undefined, '', NOW)).toBe('2025-03-04');
    expect(() => trainingDate('2023-02-29', undefined, NOW)).toThrow('--trained-at must be a date YYYY-MM-DD');
    expect(() => trainingDate('22-11-2025', undefined, NOW)).toThrow(UsageError);
    expect(() => trainingDate(undefined, 'yesterday', NOW)).toThrow('SOURCE_DATE_EPOCH must be whole seconds');
  });
});
