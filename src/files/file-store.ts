/** What Parley keeps about one uploaded file besides its bytes. */
export interface FileMeta {
  /** Unguessable (24 random bytes, base64url): a URL names it, but the access check decides. */
  readonly id: string;
  /** The room whose readers may fetch it. */
  readonly roomId: number;
  /** Who uploaded it (`a:<id>`): the quota counts against them. */
  readonly ownerId: string;
  /** The name the uploader gave, cleaned (files/names.ts); shown, never used as a path. */
  readonly name: string;
  /** The type read from the bytes (files/sniff.ts), never the client's word. */
  readonly type: string;
  readonly size: number;
  readonly createdAt: number;
}

/**
 * Where uploaded files live: a local folder (one machine) or, later, an S3-compatible
 * object store (several nodes). Picked in one place, createFileStore (files/index.ts).
 * Every method is keyed by the file's id; access is the caller's business (the pipeline's
 * `file-reader` and `file-writer` rules), never this interface's.
 */
export interface FileStore {
  /** Stores `bytes` under `meta.id`, with its metadata; the file is whole or absent. */
  put(meta: FileMeta, bytes: Buffer): Promise<void>;
  /** The file's metadata, or undefined when there is no such file. */
  meta(id: string): Promise<FileMeta | undefined>;
  /** The file's bytes, or undefined when there is no such file. */
  read(id: string): Promise<Buffer | undefined>;
  /** Removes the file and its metadata; no such file is no error. */
  delete(id: string): Promise<void>;
  /** The bytes `ownerId` stores now, over every room: what the quota compares. */
  usage(ownerId: string): Promise<number>;
  /** The ids of the files `ownerId` stores now, over every room (their owner's data export lists them). */
  owned(ownerId: string): Promise<string[]>;
  /** The ids of the files shared in `roomId` (a room's export lists them). */
  inRoom(roomId: number): Promise<string[]>;
}
