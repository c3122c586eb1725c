// Uploads: multipart/form-data (one file + fields) or a raw body, both under the server's body limit.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { messageOf } from '../../../common/errors.js';
import { HttpError } from './http-error.js';

export interface Upload {
  file?: Buffer;
  fields: Record<string, string>;
}

/** Lets routes take multipart uploads and raw binary bodies of the given content types. */
export function acceptUploads(app: FastifyInstance, bodyLimit: number, rawTypes: string[]): void {
  void app.register(multipart, {
    limits: { fileSize: bodyLimit, files: 1, fields: 20, fieldSize: 64 * 1024 },
    throwFileSizeLimit: true,
  });
  app.addContentTypeParser(rawTypes, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
}

/** Reads the whole upload; an oversized file is a 413, a second file a 400. */
export async function readUpload(req: FastifyRequest): Promise<Upload> {
  if (!req.isMultipart()) {
    if (req.body !== undefined && !Buffer.isBuffer(req.body)) {
      throw new HttpError(
        415,
        `content type ${req.headers['content-type']} is not accepted here; ` +
          'send multipart/form-data with a "file" field',
        'unsupported_media_type',
      );
    }
    return { file: req.body as Buffer | undefined, fields: { ...(req.query as Record<string, string>) } };
  }
  const upload: Upload = { fields: {} };
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file')
          throw new HttpError(400, `unexpected file field "${part.fieldname}"; send the upload as "file"`);
        upload.file = await part.toBuffer();
      } else {
        upload.fields[part.fieldname] = String(part.value);
      }
    }
  } catch (err) {
    if (err instanceof HttpError) throw err;
    const e = err as { statusCode?: number };
    if (e.statusCode === 413)
      throw new HttpError(413, 'the uploaded file is larger than the limit', 'invalid_request_error');
    throw new HttpError(e.statusCode && e.statusCode < 500 ? e.statusCode : 400, `malformed upload: ${messageOf(err)}`);
  }
  return upload;
}
