/**
 * Uploaded model packages kept in the database (clustered mode, issue 16): the bytes of twin.json
 * and of the ONNX graph with their hash, one row per name and version. A package uploaded through
 * one instance is thereby every instance's: each writes it into its own models directory when it
 * first needs it (lib/model/package-store.ts), checking the hash. Versions are immutable: a row is
 * never changed once written.
 */
import { sql } from 'drizzle-orm';
import type { PackageBytes } from '../model/package-store';
import type { Db } from './client';

export type StoredPackageRef = Pick<PackageBytes, 'name' | 'version' | 'sha256'>;

export function modelPackagesRepo(db: Db) {
  return {
    /** Stores a package; false when its name and version are taken already (nothing written). */
    async put(pkg: PackageBytes, uploadedBy: string): Promise<boolean> {
      const res = (await db.execute(sql`
        insert into model_packages (name, version, sha256, onnx_file, twin, model, uploaded_by)
        values (${pkg.name}, ${pkg.version}, ${pkg.sha256}, ${pkg.onnxFile}, ${Buffer.from(pkg.twin)},
          ${Buffer.from(pkg.model)}, ${uploadedBy})
        on conflict (name, version) do nothing
        returning name`)) as unknown as { rows: unknown[] };
      return res.rows.length === 1;
    },

    /** Every stored package's name, version and hash (no bytes). */
    async list(): Promise<StoredPackageRef[]> {
      const res = (await db.execute(
        sql`select name, version, sha256 from model_packages order by name, version`,
      )) as unknown as { rows: StoredPackageRef[] };
      return res.rows;
    },

    async get(name: string, version: string): Promise<PackageBytes | null> {
      const res = (await db.execute(sql`
        select name, version, sha256, onnx_file, twin, model from model_packages
        where name = ${name} and version = ${version}`)) as unknown as {
        rows: {
          name: string;
          version: string;
          sha256: string;
          onnx_file: string;
          twin: Uint8Array;
          model: Uint8Array;
        }[];
      };
      const r = res.rows[0];
      return r
        ? { name: r.name, version: r.version, sha256: r.sha256, onnxFile: r.onnx_file, twin: r.twin, model: r.model }
        : null;
    },
  };
}

export type ModelPackagesRepo = ReturnType<typeof modelPackagesRepo>;
