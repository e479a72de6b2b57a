// Types for the hyparquet-writer modules that io/parquet-file.ts uses directly. The package exports its
// `src/*.js` files, but its declarations live under `types/`, which this project's module resolution
// ("node") does not map; these declare only what we call.
declare module 'hyparquet-writer/src/bytewriter.js' {
  export class ByteWriter {
    constructor(initialSize?: number);
    offset: number;
    getBytes(): Uint8Array;
  }
}

declare module 'hyparquet-writer/src/datapage.js' {
  import type { PageHeader } from 'hyparquet';
  import type { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
  export function writePageHeader(writer: ByteWriter, header: PageHeader): void;
}

declare module 'hyparquet-writer/src/metadata.js' {
  import type { FileMetaData } from 'hyparquet';
  import type { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
  /** Writes the footer metadata followed by its length (uint32 LE). */
  export function writeMetadata(writer: ByteWriter, metadata: Omit<FileMetaData, 'metadata_length'>): void;
}

declare module 'hyparquet-writer/src/snappy.js' {
  export function snappyCompress(input: Uint8Array): Uint8Array;
}
