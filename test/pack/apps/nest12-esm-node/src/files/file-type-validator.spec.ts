// Not about CORS: @nestjs/common 12 depends on file-type 22, whose package.json asks for Node >= 22
// (npm warns EBADENGINE on Node 20). Nest imports file-type only when a FileTypeValidator checks an
// uploaded file's bytes; this spec is that import and check, on whatever Node runs the pack test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileTypeValidator } from '@nestjs/common';

// A 1x1 PNG.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000200a3e3c4a30000000049454e44ae426082',
  'hex',
);
const upload = (mimetype: string, buffer: Buffer) => ({ mimetype, buffer, size: buffer.length }) as unknown as Parameters<FileTypeValidator['isValid']>[0];

describe(`FileTypeValidator (file-type) on Node ${process.version}`, () => {
  it('accepts a PNG uploaded as image/png (magic number read by file-type)', async () => {
    assert.equal(await new FileTypeValidator({ fileType: 'image/png' }).isValid(upload('image/png', PNG)), true);
  });

  it('refuses a PNG uploaded as image/jpeg, and text uploaded as image/png', async () => {
    assert.equal(await new FileTypeValidator({ fileType: 'image/jpeg' }).isValid(upload('image/jpeg', PNG)), false);
    assert.equal(await new FileTypeValidator({ fileType: 'image/png' }).isValid(upload('image/png', Buffer.from('not an image'))), false);
  });
});
