//! Content (MIME) type detection from body bytes, for the `contentType`
//! matching rule.
//!
//! The rule declares a MIME type (say `image/jpeg`) and passes when the body
//! *is* of that type, whatever its `Content-Type` header claims. [`detect`]
//! recognises common binary formats by their magic numbers and falls back to
//! sniffing text (JSON, XML, HTML, SVG, plain text); [`is_compatible`] then
//! decides whether the detected type satisfies the declared one.

/// Leading-byte signatures: `(offset, magic, MIME type)`, checked in order.
/// Formats needing more than a fixed byte string are handled in
/// [`detect_magic`].
const SIGNATURES: &[(usize, &[u8], &str)] = &[
    (0, b"\xFF\xD8\xFF", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1A\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"PK\x05\x06", "application/zip"),
    (0, b"PK\x07\x08", "application/zip"),
    (0, b"\x1F\x8B", "application/gzip"),
    (0, b"7z\xBC\xAF\x27\x1C", "application/x-7z-compressed"),
    (0, b"\x00asm", "application/wasm"),
    (0, b"\xFF\xFB", "audio/mpeg"),
    (0, b"\xFF\xF3", "audio/mpeg"),
    (0, b"\xFF\xF2", "audio/mpeg"),
    (0, b"OggS\x00", "application/ogg"),
    (257, b"ustar", "application/x-tar"),
];

/// Detects a body's MIME type from its leading bytes, or None when nothing is recognised.
///
/// Binary formats are recognised by magic numbers (images, PDF, archives,
/// WebAssembly, audio, video, web fonts). Otherwise the bytes are sniffed as
/// text: after an optional UTF-8 byte order mark and leading whitespace, the
/// start of a JSON object or array gives `application/json`, an XML
/// declaration or element gives `application/xml` (`image/svg+xml` for an
/// `<svg>` root), an HTML doctype or `<html>` element gives `text/html`, and
/// any other UTF-8 text without control characters (other than tab, line
/// feed, carriage return and form feed) gives `text/plain`.
///
/// `bytes` may be a prefix of the body: a multi-byte UTF-8 character cut off
/// at the very end does not stop the text from being recognised. An empty
/// body gives `None`.
#[must_use]
pub fn detect(bytes: &[u8]) -> Option<&'static str> {
    detect_magic(bytes).or_else(|| sniff_text(bytes))
}

/// True when `actual` is acceptable where `expected` was declared: equal
/// ignoring case and parameters, or `expected` is a structured-syntax base of
/// actual (application/json accepts application/vnd.siren+json and
/// application/hal+json; application/xml accepts application/atom+xml and
/// text/xml), or `expected` is `*/*` or `type/*` covering actual.
///
/// `text/xml` and `application/xml` are treated as the same type (RFC 7303
/// defines them identically), so each accepts the other and both accept any
/// `+xml` type. The relation is otherwise one-way: `application/hal+json`
/// does not accept `application/json`, and a wildcard `actual` is never
/// accepted unless it is literally equal to `expected`.
#[must_use]
pub fn is_compatible(expected: &str, actual: &str) -> bool {
    let expected = essence(expected);
    let actual = essence(actual);
    if expected.is_empty() || actual.is_empty() {
        return false;
    }
    if expected == actual {
        return true;
    }
    let (Some((e_type, e_sub)), Some((a_type, a_sub))) =
        (split_type(&expected), split_type(&actual))
    else {
        return false;
    };
    if a_type == "*" || a_sub == "*" {
        return false;
    }
    match (e_type, e_sub) {
        ("*", "*") => return true,
        ("*", _) => return false,
        (_, "*") => return e_type == a_type,
        _ => {}
    }
    let (e_type, e_sub) = canonical(e_type, e_sub);
    let (a_type, a_sub) = canonical(a_type, a_sub);
    if (e_type, e_sub) == (a_type, a_sub) {
        return true;
    }
    match (e_type, e_sub) {
        ("application", "json") => a_sub.ends_with("+json"),
        ("application", "xml") => a_sub.ends_with("+xml"),
        _ => false,
    }
}

/// The media type without parameters, trimmed and lower-cased.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Splits `type/subtype`, rejecting empty parts, extra slashes and spaces.
fn split_type(essence: &str) -> Option<(&str, &str)> {
    let (top, sub) = essence.split_once('/')?;
    let valid = |part: &str| {
        !part.is_empty() && !part.contains('/') && !part.chars().any(char::is_whitespace)
    };
    (valid(top) && valid(sub)).then_some((top, sub))
}

/// Maps aliases onto one spelling (`text/xml` is `application/xml`).
fn canonical<'a>(top: &'a str, sub: &'a str) -> (&'a str, &'a str) {
    match (top, sub) {
        ("text", "xml") => ("application", "xml"),
        other => other,
    }
}

/// Recognises binary formats by their signatures.
fn detect_magic(bytes: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| {
        bytes.get(offset..offset.saturating_add(magic.len())) == Some(magic)
    };
    if let Some(&(_, _, mime)) = SIGNATURES
        .iter()
        .find(|(offset, magic, _)| at(*offset, magic))
    {
        return Some(mime);
    }
    if at(0, b"RIFF") {
        if at(8, b"WEBP") {
            return Some("image/webp");
        }
        if at(8, b"WAVE") {
            return Some("audio/wav");
        }
    }
    if at(4, b"ftyp") {
        return Some(iso_media_type(bytes.get(8..12).unwrap_or_default()));
    }
    // "BM" alone is too weak (text can start with it): also require a known
    // DIB header size at offset 14.
    if at(0, b"BM") {
        if let Some(size) = u32_le(bytes, 14) {
            if matches!(size, 12 | 16 | 40 | 52 | 56 | 64 | 108 | 124) {
                return Some("image/bmp");
            }
        }
    }
    // ICO: reserved 0, type 1, then a non-zero image count.
    if at(0, b"\x00\x00\x01\x00") && bytes.get(4..6).is_some_and(|n| n != [0, 0]) {
        return Some("image/x-icon");
    }
    // bzip2: "BZh", a block size digit, then a block or end-of-stream magic.
    if at(0, b"BZh")
        && bytes.get(3).is_some_and(|d| (b'1'..=b'9').contains(d))
        && (at(4, b"\x31\x41\x59\x26\x53\x59") || at(4, b"\x17\x72\x45\x38\x50\x90"))
    {
        return Some("application/x-bzip2");
    }
    // ID3v2 tag: "ID3" followed by a major version of 2, 3 or 4.
    if at(0, b"ID3") && bytes.get(3).is_some_and(|v| (2..=4).contains(v)) {
        return Some("audio/mpeg");
    }
    // WOFF/WOFF2: the signature is followed by the wrapped font's flavour.
    if (at(0, b"wOFF") || at(0, b"wOF2"))
        && (at(4, b"\x00\x01\x00\x00") || at(4, b"OTTO") || at(4, b"true") || at(4, b"typ1"))
    {
        return Some(if at(3, b"F") {
            "font/woff"
        } else {
            "font/woff2"
        });
    }
    None
}

/// MIME type of an ISO base media file (`ftyp` box) from its major brand.
fn iso_media_type(brand: &[u8]) -> &'static str {
    match brand {
        b"qt  " => "video/quicktime",
        b"M4A " | b"M4B " | b"M4P " => "audio/mp4",
        b"avif" | b"avis" => "image/avif",
        b"heic" | b"heix" | b"heim" | b"heis" => "image/heic",
        b"mif1" | b"msf1" => "image/heif",
        _ if brand.starts_with(b"3gp") => "video/3gpp",
        _ => "video/mp4",
    }
}

fn u32_le(bytes: &[u8], offset: usize) -> Option<u32> {
    let raw: [u8; 4] = bytes.get(offset..offset.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(raw))
}

/// Sniffs text formats once no binary signature matched.
fn sniff_text(bytes: &[u8]) -> Option<&'static str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.is_empty() {
        return None;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        // Only an incomplete character at the very end (a truncated prefix).
        Err(err) if err.error_len().is_none() && err.valid_up_to() > 0 => bytes
            .get(..err.valid_up_to())
            .and_then(|valid| std::str::from_utf8(valid).ok())?,
        Err(_) => return None,
    };
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C'))
    {
        return None;
    }
    let start = text.trim_start();
    Some(if start.starts_with(['{', '[']) {
        if looks_like_json(start) {
            "application/json"
        } else {
            "text/plain"
        }
    } else if start.starts_with('<') {
        sniff_markup(start)
    } else {
        "text/plain"
    })
}

fn trim_json_ws(s: &str) -> &str {
    s.trim_start_matches([' ', '\t', '\n', '\r'])
}

/// Whether `s` (starting with `{` or `[`) begins like a JSON document: an
/// object opens with a key or closes, an array opens with a value or closes.
/// Input that ends early counts as a match, since it may be a prefix.
fn looks_like_json(s: &str) -> bool {
    let mut rest = s;
    loop {
        rest = trim_json_ws(rest);
        let Some(first) = rest.chars().next() else {
            return true;
        };
        let after = trim_json_ws(rest.get(first.len_utf8()..).unwrap_or_default());
        match first {
            '{' => return after.is_empty() || after.starts_with(['"', '}']),
            '[' => {
                if after.starts_with(']') {
                    return true;
                }
                rest = after;
            }
            '"' | '-' | '0'..='9' => return true,
            _ => {
                return ["true", "false", "null"]
                    .iter()
                    .any(|lit| rest.starts_with(lit) || lit.starts_with(rest));
            }
        }
    }
}

/// Classifies text starting with `<`: skips an XML declaration, processing
/// instructions, comments and a doctype, then looks at the root element.
fn sniff_markup(s: &str) -> &'static str {
    let xml_declared = s.starts_with("<?xml");
    let mut rest = s;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return "application/xml";
        }
        let skip_to = |from: &str, end: &str| -> Option<usize> {
            from.find(end).map(|i| i.saturating_add(end.len()))
        };
        let skipped = if rest.starts_with("<?") {
            skip_to(rest, "?>")
        } else if rest.starts_with("<!--") {
            skip_to(rest, "-->")
        } else if starts_with_ignore_case(rest, "<!doctype") {
            let name = rest
                .get("<!doctype".len()..)
                .unwrap_or_default()
                .trim_start();
            if !xml_declared && is_name(name, "html") {
                return "text/html";
            }
            // An internal subset `[...]` may itself contain `>`. Only the
            // text before the first `>` is searched for `[`, so that many
            // doctypes in a row stay linear.
            let close = rest.find('>');
            let open = close
                .and_then(|close| rest.get(..close))
                .and_then(|head| head.find('['));
            match (open, close) {
                (Some(open), Some(_)) => rest
                    .get(open..)
                    .and_then(|subset| skip_to(subset, "]"))
                    .and_then(|end| {
                        let tail = rest.get(open.saturating_add(end)..)?;
                        skip_to(tail, ">").map(|gt| open.saturating_add(end).saturating_add(gt))
                    }),
                (None, close) => close.map(|i| i.saturating_add(1)),
                (Some(_), None) => None,
            }
        } else if let Some(element) = rest.strip_prefix('<') {
            return if is_name(element, "html") && !xml_declared {
                "text/html"
            } else if is_name(element, "svg") || element.starts_with("svg:svg") {
                "image/svg+xml"
            } else if xml_declared || element.starts_with(is_name_start) {
                "application/xml"
            } else {
                "text/plain"
            };
        } else {
            // Text after a prolog.
            return if xml_declared {
                "application/xml"
            } else {
                "text/plain"
            };
        };
        match skipped.and_then(|end| rest.get(end..)) {
            Some(tail) => rest = tail,
            // Unterminated prolog construct: markup, cut short.
            None => return "application/xml",
        }
    }
}

/// Whether `c` may start an XML element name.
fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == ':'
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Whether `s` starts with the name `name` (any case) as a whole word, i.e.
/// followed by whitespace, `>`, `/` or the end of the input.
fn is_name(s: &str, name: &str) -> bool {
    starts_with_ignore_case(s, name)
        && s.get(name.len()..).is_some_and(|tail| {
            tail.is_empty() || tail.starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).expect("hex byte"))
            .collect()
    }

    fn with(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
        let mut v = prefix.to_vec();
        v.extend_from_slice(rest);
        v
    }

    #[test]
    fn detects_images() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (
                hex("FF D8 FF E0 00 10 4A 46 49 46 00 01 01 00 00 48"),
                "image/jpeg",
            ),
            (hex("FF D8 FF E1 2F FE 45 78 69 66 00 00"), "image/jpeg"),
            (
                hex("89 50 4E 47 0D 0A 1A 0A 00 00 00 0D 49 48 44 52 00 00 00 10"),
                "image/png",
            ),
            (
                with(b"GIF89a", &hex("01 00 01 00 80 00 00 FF FF FF")),
                "image/gif",
            ),
            (with(b"GIF87a", &hex("20 00 20 00 F7 00 00")), "image/gif"),
            (
                with(
                    b"RIFF",
                    &with(&hex("24 00 00 00"), b"WEBPVP8 \x18\x00\x00\x00"),
                ),
                "image/webp",
            ),
            (
                with(
                    b"BM",
                    &hex("8A 7B 0C 00 00 00 00 00 8A 00 00 00 7C 00 00 00 80 02"),
                ),
                "image/bmp",
            ),
            (
                hex("42 4D 3A 00 00 00 00 00 00 00 36 00 00 00 28 00 00 00"),
                "image/bmp",
            ),
            (hex("49 49 2A 00 08 00 00 00 0E 00"), "image/tiff"),
            (hex("4D 4D 00 2A 00 00 00 08 00 0E"), "image/tiff"),
            (
                hex("00 00 01 00 01 00 10 10 00 00 01 00 20 00 68 04 00 00 16 00"),
                "image/x-icon",
            ),
        ];
        for (bytes, mime) in cases {
            assert_eq!(detect(&bytes), Some(mime), "{bytes:02X?}");
        }
    }

    #[test]
    fn detects_documents_and_archives() {
        let mut tar = vec![0u8; 512];
        tar[..9].copy_from_slice(b"hello.txt");
        tar[100..107].copy_from_slice(b"0000644");
        tar[257..265].copy_from_slice(b"ustar\x0000");
        let mut gnu_tar = tar.clone();
        gnu_tar[257..265].copy_from_slice(b"ustar  \x00");
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (
                b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj".to_vec(),
                "application/pdf",
            ),
            (
                hex("50 4B 03 04 14 00 06 00 08 00 00 00 21 00"),
                "application/zip",
            ),
            (hex("50 4B 05 06 00 00 00 00 00 00"), "application/zip"),
            (
                hex("1F 8B 08 00 00 00 00 00 00 03 CB 48"),
                "application/gzip",
            ),
            (
                b"BZh91AY&SY\x4e\xec\xe8\x36".to_vec(),
                "application/x-bzip2",
            ),
            (
                hex("37 7A BC AF 27 1C 00 04 8D 9B D5 0F"),
                "application/x-7z-compressed",
            ),
            (tar, "application/x-tar"),
            (gnu_tar, "application/x-tar"),
            (hex("00 61 73 6D 01 00 00 00 01 07 01"), "application/wasm"),
        ];
        for (bytes, mime) in cases {
            assert_eq!(detect(&bytes), Some(mime), "{mime}");
        }
    }

    #[test]
    fn detects_audio_video_and_fonts() {
        let mp4 = with(
            &hex("00 00 00 20"),
            b"ftypisom\x00\x00\x02\x00isomiso2avc1mp41",
        );
        let m4a = with(&hex("00 00 00 1C"), b"ftypM4A \x00\x00\x00\x00");
        let mov = with(&hex("00 00 00 14"), b"ftypqt  \x00\x00\x00\x00");
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (
                with(b"ID3", &hex("04 00 00 00 00 23 54 53 53 45")),
                "audio/mpeg",
            ),
            (hex("FF FB 90 64 00 0F F0 00 00 69"), "audio/mpeg"),
            (hex("FF F3 84 C4 00 00 00 03 48"), "audio/mpeg"),
            (
                with(
                    b"RIFF",
                    &with(&hex("24 08 00 00"), b"WAVEfmt \x10\x00\x00\x00"),
                ),
                "audio/wav",
            ),
            (mp4, "video/mp4"),
            (
                with(&hex("00 00 00 18"), b"ftypmp42\x00\x00\x00\x00"),
                "video/mp4",
            ),
            (m4a, "audio/mp4"),
            (mov, "video/quicktime"),
            (
                with(b"OggS", &hex("00 02 00 00 00 00 00 00 00 00")),
                "application/ogg",
            ),
            (with(b"wOFF", &hex("00 01 00 00 00 00 12 34")), "font/woff"),
            (with(b"wOF2", b"OTTO\x00\x00\x45\x67"), "font/woff2"),
        ];
        for (bytes, mime) in cases {
            assert_eq!(detect(&bytes), Some(mime), "{mime}");
        }
    }

    #[test]
    fn sniffs_json() {
        for body in [
            &b"{\"name\":\"Mary\",\"age\":30}"[..],
            b"  \n\t[1, 2, 3]",
            b"\xEF\xBB\xBF{\"a\": 1}",
            b"[]",
            b"{}",
            b"[ {\"id\": 1} ]",
            b"[[\"nested\"]]",
            b"[true, false]",
            b"[null]",
            b"[-1.5]",
            b"{\"partial",
            b"[",
        ] {
            assert_eq!(
                detect(body),
                Some("application/json"),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        for body in [&b"[INFO] server started"[..], b"{ not json }", b"[nope]"] {
            assert_eq!(detect(body), Some("text/plain"), "{body:?}");
        }
    }

    #[test]
    fn sniffs_markup() {
        let cases: &[(&str, &str)] = &[
            (
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<root/>",
                "application/xml",
            ),
            ("<?xml version=\"1.0\"?>", "application/xml"),
            ("<root><child>1</child></root>", "application/xml"),
            ("  <ns:order xmlns:ns=\"urn:x\"/>", "application/xml"),
            (
                "<!DOCTYPE note SYSTEM \"note.dtd\"><note/>",
                "application/xml",
            ),
            ("<!DOCTYPE html>\n<html><body></body></html>", "text/html"),
            ("<!doctype HTML><title>x</title>", "text/html"),
            ("<HTML lang=\"en\"><head></head></HTML>", "text/html"),
            ("<html>", "text/html"),
            ("<!-- generated -->\n<html>", "text/html"),
            (
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\"/>",
                "image/svg+xml",
            ),
            (
                concat!(
                    "<?xml version=\"1.0\"?>\n<!-- icon -->\n",
                    "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x.dtd\">\n",
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                ),
                "image/svg+xml",
            ),
            (
                "<!DOCTYPE r [<!ENTITY e \"<b>\">]><r>&e;</r>",
                "application/xml",
            ),
            // The `>` inside the internal subset does not end the doctype.
            (
                "<!DOCTYPE svg [<!ENTITY e \"<x>\">]><svg/>",
                "image/svg+xml",
            ),
            ("<htmlx/>", "application/xml"),
            ("<svgfoo/>", "application/xml"),
            ("< 3 is less than 4", "text/plain"),
        ];
        for (body, mime) in cases {
            assert_eq!(detect(body.as_bytes()), Some(*mime), "{body}");
        }
    }

    #[test]
    fn sniffs_plain_text_and_rejects_binary() {
        assert_eq!(detect(b"hello world"), Some("text/plain"));
        assert_eq!(detect(b"line 1\r\n\tline 2\x0Cpage"), Some("text/plain"));
        assert_eq!(
            detect("h\u{e9}llo \u{1F600}".as_bytes()),
            Some("text/plain")
        );
        assert_eq!(detect(b"   "), Some("text/plain"));
        // Truncated in the middle of a multi-byte character.
        assert_eq!(detect(b"caf\xC3"), Some("text/plain"));
        // Strings that start like weak magic numbers are still text.
        assert_eq!(detect(b"BMW cars are fast"), Some("text/plain"));
        assert_eq!(detect(b"ID3 tags hold metadata"), Some("text/plain"));
        assert_eq!(detect(b"BZh9 is not bzip2"), Some("text/plain"));
        assert_eq!(detect(b"wOFF the record"), Some("text/plain"));
        assert_eq!(detect(b""), None);
        assert_eq!(detect(b"\xEF\xBB\xBF"), None);
        assert_eq!(detect(b"\x00\x01\x02\x03"), None);
        assert_eq!(detect(b"abc\x00def"), None);
        assert_eq!(detect(b"{\"a\":\x07}"), None);
        assert_eq!(detect(b"\xC3\x28 invalid utf-8"), None);
        assert_eq!(detect(b"\x80"), None);
    }

    #[test]
    fn long_inputs_are_linear() {
        let mut body = "<!DOCTYPE a>".repeat(100_000);
        body.push_str("<svg/>");
        assert_eq!(detect(body.as_bytes()), Some("image/svg+xml"));
        let mut body = "<!-- c -->".repeat(100_000);
        body.push_str("<html>");
        assert_eq!(detect(body.as_bytes()), Some("text/html"));
        let body = "[".repeat(1_000_000);
        assert_eq!(detect(body.as_bytes()), Some("application/json"));
        let body = "<?pi ".repeat(100_000);
        assert_eq!(detect(body.as_bytes()), Some("application/xml"));
    }

    #[test]
    fn compatible_types() {
        let yes = [
            ("image/jpeg", "image/jpeg"),
            ("Image/JPEG", "image/jpeg; q=1"),
            ("application/json; charset=utf-8", "application/json"),
            ("application/json", "application/vnd.siren+json"),
            ("application/json", "application/hal+json"),
            ("application/xml", "application/atom+xml"),
            ("application/xml", "text/xml"),
            ("text/xml", "application/xml"),
            ("text/xml", "image/svg+xml"),
            ("*/*", "application/pdf"),
            ("image/*", "image/png"),
            ("IMAGE/*", "image/svg+xml"),
            ("application/*", "application/hal+json"),
        ];
        for (expected, actual) in yes {
            assert!(
                is_compatible(expected, actual),
                "{expected} accepts {actual}"
            );
        }
    }

    #[test]
    fn incompatible_types() {
        let no = [
            ("image/png", "image/jpeg"),
            ("application/vnd.siren+json", "application/json"),
            ("application/hal+json", "application/json"),
            ("application/atom+xml", "application/xml"),
            ("application/json", "application/xml"),
            ("application/json", "text/plain"),
            ("text/plain", "application/json"),
            ("application/xml", "application/json"),
            ("image/*", "text/plain"),
            ("image/png", "image/*"),
            ("image/png", "*/*"),
            ("*/png", "image/png"),
            ("", ""),
            ("", "text/plain"),
            ("text/plain", ""),
            ("nonsense", "text/plain"),
            ("text/", "text/plain"),
        ];
        for (expected, actual) in no {
            assert!(
                !is_compatible(expected, actual),
                "{expected} rejects {actual}"
            );
        }
    }

    #[test]
    fn detection_feeds_compatibility() {
        let jpeg = hex("FF D8 FF E0 00 10 4A 46 49 46");
        assert!(is_compatible("image/jpeg", detect(&jpeg).unwrap()));
        assert!(!is_compatible("image/png", detect(&jpeg).unwrap()));
        assert!(is_compatible("image/*", detect(&jpeg).unwrap()));
        let json = br#"{"_links": {}}"#;
        assert!(is_compatible("application/json", detect(json).unwrap()));
        assert!(is_compatible("text/xml", detect(b"<a/>").unwrap()));
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = fastrand::Rng::with_seed(99);
        let seeds: [&[u8]; 12] = [
            b"",
            b"RIFF",
            b"BM",
            b"\x00\x00\x01\x00",
            b"BZh9",
            b"ID3",
            b"wOF2",
            b"\x00\x00\x00\x18ftyp",
            b"<",
            b"<!--",
            b"<!DOCTYPE",
            b"[",
        ];
        let text_alphabet = b"<>?![]{}\"-/ \n\tabcdhlmstvx1:";
        for i in 0..20_000 {
            let mut bytes = seeds[i % seeds.len()].to_vec();
            let len = rng.usize(0..600);
            if i % 2 == 0 {
                bytes.extend((0..len).map(|_| rng.u8(..)));
            } else {
                let pick =
                    |rng: &mut fastrand::Rng| text_alphabet[rng.usize(..text_alphabet.len())];
                bytes.extend((0..len).map(|_| pick(&mut rng)));
            }
            let detected = detect(&bytes);
            if let Some(mime) = detected {
                assert!(is_compatible(mime, mime), "{mime}");
                assert!(is_compatible("*/*", mime), "{mime}");
            }
            // Every prefix is handled too (exercises truncated input).
            let cut = rng.usize(..=bytes.len());
            let _ = detect(&bytes[..cut]);
            let s = String::from_utf8_lossy(&bytes);
            let half = s.get(..s.len() / 2).unwrap_or_default();
            let _ = is_compatible(&s, half);
            let _ = is_compatible(half, &s);
        }
    }
}
