/**
 * The database holds migrations this code does not know: it was created or upgraded by a
 * newer Parley. Running on it could misread or damage what the newer code wrote.
 */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
}

/**
 * Throws SchemaTooNewError when `applied` names a migration newer than every one in
 * `known`: the start stops, naming both versions, instead of running on a schema it does
 * not understand (a downgrade, or a backup restored from a newer deployment).
 */
export function refuseNewerSchema(applied: Iterable<number>, known: readonly { readonly version: number }[], where: string): void {
  const newestKnown = Math.max(0, ...known.map((migration) => migration.version));
  const newestApplied = Math.max(0, ...applied);
  if (newestApplied > newestKnown) {
    throw new SchemaTooNewError(
      `${where} is at schema version ${newestApplied}, newer than this Parley knows (${newestKnown}): run the Parley that wrote it (or newer), or restore a backup made by this version`,
    );
  }
}
