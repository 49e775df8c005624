/** Fetching a file's bytes (browsers, workers, Node ≥ 18), with typed errors. */
import { FileAccessError, FormatError } from '@kerasts/tensor';

/**
 * The bytes of a fetched `Response`, refusing HTTP errors and HTML pages (what a development server
 * answers for a file it does not have) with a {@link FileAccessError} that says what to pass instead.
 */
export async function responseBytes(response: Response, fileName: string): Promise<Uint8Array> {
  if (!response.ok) {
    throw new FileAccessError(
      `could not fetch the file: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}` +
        ' (in a browser a string is a URL; to open a local file pass its bytes, a File, a Blob or a Response)',
      fileName,
      `HTTP_${response.status}`,
    );
  }
  const type = response.headers.get('content-type') ?? '';
  const buf = new Uint8Array(await response.arrayBuffer());
  if (/^text\/html\b/i.test(type) && /^\s*<(!doctype|html)/i.test(new TextDecoder().decode(buf.subarray(0, 64)))) {
    throw new FormatError(
      'the server answered with an HTML page, not a Keras file (is the URL right? in a browser a string is a URL; ' +
        'to open a local file pass its bytes, a File, a Blob or a Response)',
      fileName,
    );
  }
  return buf;
}

/** Fetch a URL's bytes; network failures become a {@link FileAccessError}. */
export async function fetchBytes(url: string | URL, fileName = String(url)): Promise<Uint8Array> {
  if (typeof fetch !== 'function') throw new FileAccessError('cannot fetch a URL here: fetch is not available', fileName, 'NO_FETCH');
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new FileAccessError(`could not fetch the file: ${String((err as Error)?.message ?? err)}`, fileName, 'FETCH_FAILED');
  }
  return responseBytes(response, fileName);
}

