import { summarizeCertificate } from './x509-summary';

// A self-signed ECDSA P-256 certificate made with `openssl req -x509` for this test.
const DER = Uint8Array.from(
  Buffer.from(
    'MIIByzCCAXKgAwIBAgIUMmb2dXvZeSdjO7ZQd/qIt8eBu2owCgYIKoZIzj0EAwIwIDEeMBwGA1UEAwwVY2FjaGUuc2hha2V3YXRjaC50ZXN0MB4XDTI2MTEyMTE4MDA0MFoXDTM2MTExODE4MDA0MFow' +
      'IDEeMBwGA1UEAwwVY2FjaGUuc2hha2V3YXRjaC50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEButbjskLpXitImEW1nbmRSnPoFb5MW25iVOnaH+KyXD7+lb7CvKAPL6OoEMzV1NqAYsbVvKP' +
      'EaDNWq66TqdYKKOBiTCBhjAdBgNVHQ4EFgQUaVJ5Ndj7plfEfFrclbPs7ERoaP8wHwYDVR0jBBgwFoAUaVJ5Ndj7plfEfFrclbPs7ERoaP8wDwYDVR0TAQH/BAUwAwEB/zAzBgNVHREELDAqghVjYWNo' +
      'ZS5zaGFrZXdhdGNoLnRlc3SCEWIuc2hha2V3YXRjaC50ZXN0MAoGCCqGSM49BAMCA0cAMEQCID1fK9r3WUbiKEKdBWUetSDNYABDF1me05oPE+lwyUOhAiBlEIu83HjqogHGDHZBh+bRxSu4oRUY6LC/' +
      'O25/g8GA4A==',
    'base64',
  ),
);

describe('summarizeCertificate, repeated (its cache of recent certificates)', () => {
  it('gives the same summary each time, as a fresh object the caller may change', () => {
    const first = summarizeCertificate(DER);
    expect(first.subject).toBe('CN=cache.shakewatch.test');
    expect(first.alternative_names).toEqual(['cache.shakewatch.test', 'b.shakewatch.test']);
    first.subject = 'changed';
    first.alternative_names!.push('changed');
    const again = summarizeCertificate(DER.slice());
    expect(again).not.toBe(first);
    expect(again.subject).toBe('CN=cache.shakewatch.test');
    expect(again.alternative_names).toEqual(['cache.shakewatch.test', 'b.shakewatch.test']);
  });

  it('never answers for a different certificate, even one byte off', () => {
    const ok = summarizeCertificate(DER);
    const broken = DER.slice();
    broken[broken.length - 1] ^= 0xff; // the signature's last byte: still parses
    const other = summarizeCertificate(broken);
    expect(other.sha256).not.toBe(ok.sha256);
    expect(summarizeCertificate(DER.subarray(0, 100)).error).toMatch(/does not parse/);
  });
});
