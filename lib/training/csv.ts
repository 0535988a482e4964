/**
 * A strict reader for numeric training CSVs: a header row of column names, then one number per
 * column per row. Anything else is an error that names the file, line and column, because a
 * silently skipped or misread row would quietly change the model.
 */
export interface NumericTable {
  columns: string[];
  /** Row-major values, `rows * columns.length`. */
  values: Float64Array;
  rows: number;
}

export class CsvError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: string | null,
    detail: string,
  ) {
    super(`${file}:${line}${column ? ` column "${column}"` : ''}: ${detail}`);
    this.name = 'CsvError';
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses CSV text (comma separated, optional surrounding quotes on header names, LF or CRLF). */
export function parseNumericCsv(text: string, file: string): NumericTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) throw new CsvError(file, 1, null, 'empty file; expected a header row');
  const columns = lines[0]!.split(',').map((c) =>
    c
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim(),
  );
  columns.forEach((name, i) => {
    if (!name) throw new CsvError(file, 1, null, `header column ${i + 1} is empty`);
    if (columns.indexOf(name) !== i) throw new CsvError(file, 1, name, 'appears twice in the header');
  });
  const width = columns.length;
  const values = new Float64Array((lines.length - 1) * width);
  let rows = 0;
  for (let l = 1; l < lines.length; l++) {
    const line = lines[l]!;
    const lineNo = l + 1;
    if (line.trim() === '') throw new CsvError(file, lineNo, null, 'blank line inside the data');
    const cells = line.split(',');
    if (cells.length !== width) {
      throw new CsvError(file, lineNo, null, `has ${cells.length} fields; the header has ${width}`);
    }
    for (let c = 0; c < width; c++) {
      const cell = cells[c]!.trim();
      if (!NUMBER.test(cell)) {
        throw new CsvError(
          file,
          lineNo,
          columns[c]!,
          cell === '' ? 'is empty; expected a number' : `"${cell}" is not a number`,
        );
      }
      values[rows * width + c] = Number(cell);
    }
    rows++;
  }
  return { columns, values, rows };
}
