import { vetImageUrl, vetMessageImages } from './image-url-policy';

const limits = { maxDataUrlBytes: 1_000 };
const problemOf = (url: string) => {
  const verdict = vetImageUrl(url, limits);
  return 'problem' in verdict ? verdict.problem : null;
};
const forwarded = (url: string) => {
  const verdict = vetImageUrl(url, limits);
  return 'url' in verdict ? verdict.url : null;
};

describe('vetImageUrl', () => {
  it.each([
    ['the metadata endpoint', 'https://169.254.169.254/latest/meta-data/'],
    ['decimal IPv4', 'https://2852039166/'],
    ['octal IPv4', 'https://0251.0376.0251.0376/'],
    ['hex IPv4', 'https://0xa9.0xfe.0xa9.0xfe/'],
    ['one hex number', 'https://0x7f000001/'],
    ['short IPv4', 'https://127.1/'],
    ['IPv4 with a trailing dot', 'https://169.254.169.254./'],
    ['full-width digits', 'https://①②⑦.0.0.1/'],
    ['a percent-encoded dot', 'https://127.0.0.1%2e/'],
    ['loopback', 'https://127.0.0.1/'],
    ['this network', 'https://0.0.0.0/'],
    ['RFC 1918 10/8', 'https://10.1.2.3/'],
    ['RFC 1918 172.16/12', 'https://172.31.255.255/'],
    ['RFC 1918 192.168/16', 'https://192.168.1.1/'],
    ['carrier-grade NAT', 'https://100.64.0.1/'],
    ['benchmarking', 'https://198.18.0.1/'],
    ['multicast', 'https://224.0.0.1/'],
    ['broadcast', 'https://255.255.255.255/'],
    ['IPv6 loopback', 'https://[::1]/'],
    ['IPv6 unspecified', 'https://[::]/'],
    ['IPv4-mapped IPv6 in dotted form', 'https://[::ffff:169.254.169.254]/'],
    ['IPv4-mapped IPv6 in hex', 'https://[::ffff:a9fe:a9fe]/'],
    ['IPv4-mapped IPv6 spelt out', 'https://[0:0:0:0:0:ffff:7f00:1]/'],
    ['IPv4-compatible IPv6', 'https://[::127.0.0.1]/'],
    ['NAT64 of a private address', 'https://[64:ff9b::a00:1]/'],
    ['IPv6 link-local', 'https://[fe80::1]/'],
    ['IPv6 unique-local', 'https://[fd00::1]/'],
    ['IPv6 site-local', 'https://[fec0::1]/'],
    ['IPv6 multicast', 'https://[ff02::1]/'],
    ['IPv6 documentation', 'https://[2001:db8::1]/'],
    ['6to4, which embeds any IPv4', 'https://[2002:a9fe:a9fe::1]/'],
    ['Teredo', 'https://[2001:0:4136:e378::1]/'],
    ['localhost', 'https://localhost/a.png'],
    ['localhost in capitals with a trailing dot', 'https://LOCALHOST./a.png'],
    ['a localhost subdomain', 'https://app.localhost/a.png'],
    ['a cloud-internal name', 'https://metadata.google.internal/a.png'],
    ['mDNS', 'https://printer.local/a.png'],
    ['a single label', 'https://metadata/a.png'],
    ['a home network name', 'https://nas.home.arpa/a.png'],
  ])('refuses %s', (_, url) => {
    expect(problemOf(url)).toMatch(/address|public host/);
  });

  it.each([
    ['plain http', 'http://example.com/a.png'],
    ['ftp', 'ftp://example.com/a.png'],
    ['file', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['gopher', 'gopher://127.0.0.1:6379/_INFO'],
  ])('refuses %s', (_, url) => {
    expect(problemOf(url)).toMatch(/https: or a data/);
  });

  it('refuses credentials in the URL', () => {
    expect(problemOf('https://user:secret@example.com/a.png')).toMatch(/credentials/);
    expect(problemOf('https://user@example.com/a.png')).toMatch(/credentials/);
  });

  it('refuses what is not a URL and over-long URLs', () => {
    expect(problemOf('not a url')).toMatch(/valid URL/);
    expect(problemOf('https://[zz::1]/')).toMatch(/valid URL/);
    expect(problemOf(`https://example.com/${'a'.repeat(2_100)}`)).toMatch(/at most 2048/);
  });

  it('accepts https to public names and public address literals', () => {
    expect(forwarded('https://images.example.com/cat.png?size=2')).toBe(
      'https://images.example.com/cat.png?size=2',
    );
    expect(forwarded('https://8.8.8.8/a.png')).toBe('https://8.8.8.8/a.png');
    expect(forwarded('https://[2606:4700::1111]/a.png')).toBe('https://[2606:4700::1111]/a.png');
    expect(forwarded('https://[::ffff:8.8.8.8]/a.png')).toBe('https://[::ffff:808:808]/a.png');
  });

  it('forwards the URL as parsed, so another parser cannot read another host out of it', () => {
    expect(forwarded('https://images.example.com\\@169.254.169.254/')).toBe(
      'https://images.example.com/@169.254.169.254/',
    );
    expect(forwarded(' https://images.example.com/a\tb.png')).toBe('https://images.example.com/ab.png');
  });

  it('accepts bounded base64 data URLs of known image types only', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    expect(forwarded(png)).toBe(png);
    expect(forwarded('data:image/webp;base64,UklGRg==')).not.toBeNull();
    expect(problemOf(`data:image/png;base64,${'A'.repeat(1_000)}`)).toMatch(/at most 1000 bytes/);
    expect(problemOf('data:image/svg+xml;base64,PHN2Zz4=')).toMatch(/data:image/);
    expect(problemOf('data:text/html;base64,PGgxPg==')).toMatch(/data:image/);
    expect(problemOf('data:image/png,rawbytes')).toMatch(/data:image/);
    expect(problemOf('data:image/png;base64,not base64!')).toMatch(/data:image/);
    expect(problemOf('data:image/png;base64,abc')).toMatch(/data:image/);
    expect(problemOf('data:image/png;base64,')).toMatch(/data:image/);
  });
});

describe('vetMessageImages', () => {
  it('normalises every image URL and counts the images', () => {
    const messages = [
      { role: 'system', content: 'be brief' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image_url', image_url: { url: 'HTTPS://Images.Example.com/a.png', detail: 'low' } },
        ],
      },
    ];
    expect(vetMessageImages(messages, limits)).toEqual({
      images: 1,
      messages: [
        messages[0],
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'https://images.example.com/a.png', detail: 'low' } },
          ],
        },
      ],
    });
  });

  it('names the refused part', () => {
    const messages = [
      { role: 'user', content: 'hi' },
      {
        role: 'user',
        content: [{ type: 'image_url', image_url: { url: 'http://169.254.169.254/latest/meta-data/' } }],
      },
    ];
    expect(vetMessageImages(messages, limits)).toEqual({
      problem: expect.stringMatching(/https:/),
      field: 'messages[1].content[0].image_url.url',
    });
  });
});
