import { creditAccountStream } from '@ops/domain';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { eventually, startTestApp, type TestApp } from '../support/app';

describe('audit integrity API', () => {
  let testApp: TestApp;
  let sql: Client;
  let admin: string;
  let auditor: string;
  const server = () => testApp.app.getHttpServer();
  const stream = creditAccountStream('bob');
  const verifyPath = `/api/v1/audit/streams/${encodeURIComponent(stream)}/verify`;

  beforeAll(async () => {
    testApp = await startTestApp();
    admin = testApp.token('admin-1', 'admin');
    auditor = testApp.token('auditor-1', 'auditor');
    sql = new Client({ connectionString: testApp.database.url });
    await sql.connect();
    for (const amount of ['1000000', '2000000', '3000000']) {
      await request(server())
        .post('/api/v1/llm/credits/grant')
        .set('Authorization', `Bearer ${admin}`)
        .send({ user_id: 'bob', amount_micros: amount, reason: 'audit test' })
        .expect((response) => expect(response.status).toBeLessThan(300));
    }
  });

  afterAll(async () => {
    await sql?.end();
    await testApp?.close();
  });

  it('refuses callers who are neither auditors nor admins', async () => {
    const user = testApp.token('bob', 'user');
    await request(server()).get(verifyPath).set('Authorization', `Bearer ${user}`).expect(403);
    await request(server()).post('/api/v1/audit/verify').set('Authorization', `Bearer ${user}`).expect(403);
    await request(server()).post('/api/v1/audit/digests').set('Authorization', `Bearer ${user}`).expect(403);
    await request(server()).get(verifyPath).expect(401);
  });

  it('signs a digest of every stream head on demand, verifiable with the published key', async () => {
    const key = await request(server())
      .get('/api/v1/audit/digests/public-key')
      .set('Authorization', `Bearer ${auditor}`)
      .expect(200);
    // A digest covers the visible log: an open transaction elsewhere on the server can hold it back.
    const digest = await eventually(async () => {
      const signed = await request(server())
        .post('/api/v1/audit/digests')
        .set('Authorization', `Bearer ${auditor}`)
        .expect(201);
      expect(signed.body.heads).toContainEqual(expect.objectContaining({ stream, revision: '2' }));
      return signed;
    });
    expect(digest.body).toMatchObject({
      format: 'ops-center/stream-heads-digest/v2',
      sequence: 0,
      previous_digest: null,
      key_id: key.body.key_id,
      public_key: key.body.public_key,
      heads: expect.arrayContaining([expect.objectContaining({ stream, revision: '2' })]),
    });
    const verified = await request(server())
      .get(verifyPath)
      .set('Authorization', `Bearer ${auditor}`)
      .expect(200);
    expect(verified.body).toMatchObject({ stream, events: 3, ok: true, problems: [] });
    expect(verified.body.digest).toMatchObject({
      digest_id: digest.body.digest_id,
      signature_valid: true,
      heads_checked: 1,
    });
  });

  it('names an event changed in the database, per stream and in the streamed global verification', async () => {
    await sql.query(
      `UPDATE events SET data = jsonb_set(data, '{amountMicros}', '"900000000"') WHERE stream_name = $1 AND revision = 1`,
      [stream],
    );
    const verified = await request(server())
      .get(verifyPath)
      .set('Authorization', `Bearer ${auditor}`)
      .expect(200);
    expect(verified.body).toMatchObject({
      ok: false,
      problems: [{ stream, revision: '1', problem: 'hash_mismatch' }],
    });

    const global = await request(server())
      .post('/api/v1/audit/verify')
      .set('Authorization', `Bearer ${admin}`)
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => done(null, text));
      })
      .expect(200)
      .expect('Content-Type', /application\/x-ndjson/);
    const lines = (global.body as string)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; [key: string]: unknown });
    expect(lines.at(-2)).toMatchObject({ type: 'progress', events_checked: lines.at(-1)!.events });
    expect(lines.at(-1)).toMatchObject({
      type: 'result',
      ok: false,
      problems: [{ stream, revision: '1', problem: 'hash_mismatch' }],
      digest: { signature_valid: true },
    });
  });
});

describe('audit integrity API with the production setup: key and digest copies kept apart from the data', () => {
  let testApp: TestApp;
  let dir: string;
  let exportFile: string;
  const server = () => testApp.app.getHttpServer();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ops-e2e-audit-keys-'));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyFile = join(dir, 'audit-signing-key.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    exportFile = join(dir, 'digests.ndjson');
    testApp = await startTestApp({
      AUDIT_SIGNING_KEY_FILE: keyFile,
      AUDIT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      AUDIT_DIGEST_EXPORT_FILE: exportFile,
    });
  });

  afterAll(async () => {
    await testApp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies each digest to the export file as it is signed and verifies against the pinned key', async () => {
    const auditor = testApp.token('auditor-1', 'auditor');
    const first = await request(server())
      .post('/api/v1/audit/digests')
      .set('Authorization', `Bearer ${auditor}`)
      .expect(201);
    const second = await request(server())
      .post('/api/v1/audit/digests')
      .set('Authorization', `Bearer ${auditor}`)
      .expect(201);
    expect(second.body).toMatchObject({
      sequence: 1,
      previous_digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const lines = readFileSync(exportFile, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { digest_id: string; signature: string });
    expect(lines.map((line) => [line.digest_id, line.signature])).toEqual([
      [first.body.digest_id, first.body.signature],
      [second.body.digest_id, second.body.signature],
    ]);
    const verified = await request(server())
      .get(`/api/v1/audit/streams/${encodeURIComponent('audit-digests')}/verify`)
      .set('Authorization', `Bearer ${auditor}`)
      .expect(200);
    expect(verified.body).toMatchObject({
      ok: true,
      digest_chain: { digests_checked: 2, key_pinned: true, key_id: first.body.key_id },
    });
  });
});

describe('audit integrity API with a pinned public key but another signing key beside the data', () => {
  let testApp: TestApp;
  let pinned: string;
  const server = () => testApp.app.getHttpServer();

  beforeAll(async () => {
    // No signing key configured: the one in DATA_DIR is whatever was generated or planted there.
    pinned = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    testApp = await startTestApp({ AUDIT_PUBLIC_KEY: pinned });
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('refuses to sign with the key beside the data, and verifies against the pinned one', async () => {
    const auditor = testApp.token('auditor-1', 'auditor');
    const refused = await request(server())
      .post('/api/v1/audit/digests')
      .set('Authorization', `Bearer ${auditor}`)
      .expect(503);
    expect(refused.body.detail).toMatch(/not the pinned AUDIT_PUBLIC_KEY/);
    // What the API publishes is the pinned key, never the one that sits beside the data.
    const published = await request(server())
      .get('/api/v1/audit/digests/public-key')
      .set('Authorization', `Bearer ${auditor}`)
      .expect(200);
    expect(published.body).toMatchObject({ public_key: pinned, pinned: true });
    const verified = await request(server())
      .get(`/api/v1/audit/streams/${encodeURIComponent('audit-digests')}/verify`)
      .set('Authorization', `Bearer ${auditor}`)
      .expect(200);
    expect(verified.body).toMatchObject({ ok: true, digest: null, digest_chain: { key_pinned: true } });
  });
});
