import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error';
import { failureMessage } from './backtest';

describe('failureMessage', () => {
  it('keeps the words of a failure and drops server paths', () => {
    const err = new Error(
      'Load model from /work/data/models/reactor-yield/1.0.0/model.onnx failed: C:\\twinops\\data\\x.onnx is bad',
    );
    const msg = failureMessage(err);
    expect(msg).toBe('Load model from <path> failed: <path> is bad');
    expect(msg).not.toMatch(/work|twinops|onnx/);
  });

  it('uses a domain error’s own message', () => {
    expect(failureMessage(new DomainError({ status: 404, code: 'x', message: 'no version 9.9.9' }))).toBe(
      'no version 9.9.9',
    );
  });
});
