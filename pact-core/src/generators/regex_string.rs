//! Random string generation from a regular expression.
//!
//! Pact's `Regex` generator (and the fallbacks of the `MockServerURL` and
//! `ProviderState` generators) must replace an example value with a fresh,
//! random value that still matches the declared regular expression. This
//! module parses the expression with `regex-syntax` (the parser behind the
//! `regex` crate, so the accepted syntax is exactly the one used when the
//! value is later matched) and walks the resulting [`Hir`], choosing random
//! characters, alternation branches and repetition counts.
//!
//! The value is generated as if the expression were anchored at both ends,
//! so the output satisfies `^(?:re)$`. Look-around assertions (`^`, `$`,
//! `\b`, `\B`, ...) produce nothing; an expression whose assertions
//! contradict their neighbours (for example `a\bb`) may therefore yield a
//! value that does not match.
//!
//! Generation is bounded so that hostile or accidental inputs cannot exhaust
//! memory or time: unbounded repetitions (`*`, `+`, `{n,}`) repeat at most
//! [`UNBOUNDED_EXTRA`] times beyond their minimum, bounded repetitions with a
//! very wide range choose within [`MAX_REPETITION_SPAN`] of their minimum,
//! and values longer than [`MAX_OUTPUT_BYTES`] (or needing more than
//! [`MAX_STEPS`] steps) are reported as errors instead of being built.

use std::fmt;

use regex_syntax::hir::{Class, Hir, HirKind};
use regex_syntax::ParserBuilder;

/// How many repetitions beyond the minimum an unbounded repetition
/// (`*`, `+`, `{n,}`) may produce; keeps generated values short and readable.
pub const UNBOUNDED_EXTRA: u32 = 10;

/// Widest range of counts a bounded repetition chooses from; `{0,100000}`
/// picks from `0..=100` instead of producing enormous values.
pub const MAX_REPETITION_SPAN: u32 = 100;

/// Largest value, in bytes, that will be generated; larger values are errors
/// so that expressions such as `a{1000000000}` cannot exhaust memory.
pub const MAX_OUTPUT_BYTES: usize = 1 << 20;

/// Largest number of syntax-tree nodes visited for one value; bounds the time
/// spent on expressions such as `(?:a?){1000000000}` that produce little
/// output for a lot of work.
pub const MAX_STEPS: usize = 1 << 22;

/// Deepest nesting of groups and repetitions accepted by the parser; bounds
/// the recursion depth of the generator.
const NEST_LIMIT: u32 = 100;

/// Error for a regex that cannot be parsed or cannot be generated from.
///
/// Carries the offending expression and a one-line reason so the caller can
/// report which generator failed and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexGenError {
    regex: String,
    reason: String,
}

impl RegexGenError {
    fn new(regex: &str, reason: impl Into<String>) -> Self {
        RegexGenError {
            regex: regex.to_string(),
            reason: reason.into(),
        }
    }

    /// The regular expression that could not be generated from.
    #[must_use]
    pub fn regex(&self) -> &str {
        &self.regex
    }

    /// Why no value could be generated (a parse error or a generation limit).
    #[must_use]
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for RegexGenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot generate a value from regex '{}': {}",
            self.regex, self.reason
        )
    }
}

impl std::error::Error for RegexGenError {}

/// Generates a random string that the whole regex matches.
///
/// The expression uses the `regex` crate's syntax with Unicode enabled. The
/// result is meant to satisfy `^(?:regex)$`; only expressions whose
/// look-around assertions cannot hold around the generated text (such as
/// `a\bb` or `a^b`) may produce a non-matching value. Characters are chosen
/// from printable ASCII whenever a character class allows it, so values stay
/// readable.
///
/// # Errors
///
/// Returns a [`RegexGenError`] when the expression cannot be parsed, can never
/// match anything (e.g. `[^\x00-\x{10FFFF}]`), or would need a value larger
/// than [`MAX_OUTPUT_BYTES`] or more than [`MAX_STEPS`] steps.
pub fn generate(regex: &str, rng: &mut fastrand::Rng) -> Result<String, RegexGenError> {
    let hir = ParserBuilder::new()
        .unicode(true)
        .utf8(true)
        .nest_limit(NEST_LIMIT)
        .build()
        .parse(&crate::rules::rust_regex_source(regex))
        .map_err(|err| RegexGenError::new(regex, parse_reason(&err)))?;
    let mut generator = Generator {
        rng,
        out: Vec::new(),
        steps: 0,
    };
    if !generator.can_match(&hir) {
        return Err(RegexGenError::new(regex, "the regex can never match"));
    }
    generator
        .walk(&hir)
        .map_err(|reason| RegexGenError::new(regex, reason))?;
    String::from_utf8(generator.out)
        .map_err(|_| RegexGenError::new(regex, "the generated value is not valid UTF-8"))
}

/// Turns a parser error into a single line (the default `Display` of
/// `regex_syntax::Error` spans several lines with a caret diagram).
fn parse_reason(err: &regex_syntax::Error) -> String {
    match err {
        regex_syntax::Error::Parse(e) => {
            format!("{} (at offset {})", e.kind(), e.span().start.offset)
        }
        regex_syntax::Error::Translate(e) => {
            format!("{} (at offset {})", e.kind(), e.span().start.offset)
        }
        other => other.to_string().replace('\n', " "),
    }
}

/// State of one generation: the random source, the bytes produced so far and
/// the work done, checked against the limits.
struct Generator<'a> {
    rng: &'a mut fastrand::Rng,
    out: Vec<u8>,
    steps: usize,
}

impl Generator<'_> {
    fn walk(&mut self, hir: &Hir) -> Result<(), String> {
        self.steps = self.steps.saturating_add(1);
        if self.steps > MAX_STEPS {
            return Err(format!("generation needs more than {MAX_STEPS} steps"));
        }
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => Ok(()),
            HirKind::Literal(lit) => self.push(&lit.0),
            HirKind::Class(Class::Unicode(class)) => {
                let spans: Vec<(u32, u32)> = class
                    .ranges()
                    .iter()
                    .map(|r| (u32::from(r.start()), u32::from(r.end())))
                    .collect();
                // Printable ASCII first, then any scalar value (no surrogates).
                let tiers: [&[(u32, u32)]; 2] =
                    [&[(0x20, 0x7E)], &[(0, 0xD7FF), (0xE000, 0x0010_FFFF)]];
                let ch = pick(&spans, &tiers, self.rng)
                    .and_then(char::from_u32)
                    .ok_or_else(|| "a character class matches nothing".to_string())?;
                let mut buf = [0u8; 4];
                self.push(ch.encode_utf8(&mut buf).as_bytes())
            }
            HirKind::Class(Class::Bytes(class)) => {
                let spans: Vec<(u32, u32)> = class
                    .ranges()
                    .iter()
                    .map(|r| (u32::from(r.start()), u32::from(r.end())))
                    .collect();
                // Printable ASCII first, then any ASCII, then any byte.
                let tiers: [&[(u32, u32)]; 3] = [&[(0x20, 0x7E)], &[(0, 0x7F)], &[(0, 0xFF)]];
                let byte = pick(&spans, &tiers, self.rng)
                    .and_then(|b| u8::try_from(b).ok())
                    .ok_or_else(|| "a byte class matches nothing".to_string())?;
                self.push(&[byte])
            }
            HirKind::Repetition(rep) => {
                if !self.can_match(&rep.sub) {
                    // The repeated expression can never match: only zero
                    // repetitions are possible.
                    return if rep.min == 0 {
                        Ok(())
                    } else {
                        Err("a repeated expression can never match".to_string())
                    };
                }
                let props = rep.sub.properties();
                // `None` only when some branch inside is impossible; count it
                // as zero so that nothing possible is refused.
                let sub_min_len = props.minimum_len().unwrap_or(0);
                if props.maximum_len() == Some(0) {
                    // Repeating something that only matches "" adds nothing.
                    return Ok(());
                }
                let needed = usize::try_from(rep.min)
                    .unwrap_or(usize::MAX)
                    .saturating_mul(sub_min_len);
                if needed > MAX_OUTPUT_BYTES.saturating_sub(self.out.len()) {
                    return Err(too_long());
                }
                let span_limit = match rep.max {
                    None => UNBOUNDED_EXTRA,
                    Some(_) => MAX_REPETITION_SPAN,
                };
                let max = rep
                    .max
                    .unwrap_or(u32::MAX)
                    .max(rep.min)
                    .min(rep.min.saturating_add(span_limit));
                let count = self.rng.u32(rep.min..=max);
                for _ in 0..count {
                    self.walk(&rep.sub)?;
                }
                Ok(())
            }
            HirKind::Capture(cap) => self.walk(&cap.sub),
            HirKind::Concat(subs) => subs.iter().try_for_each(|sub| self.walk(sub)),
            HirKind::Alternation(subs) => {
                let mut viable: Vec<&Hir> = Vec::with_capacity(subs.len());
                for sub in subs {
                    if self.can_match(sub) {
                        viable.push(sub);
                    }
                }
                let choice = if viable.is_empty() {
                    None
                } else {
                    viable.get(self.rng.usize(..viable.len())).copied()
                };
                match choice {
                    Some(branch) => self.walk(branch),
                    None => Err("no branch of an alternation can match".to_string()),
                }
            }
        }
    }

    /// Whether `hir` matches at least one string. `regex-syntax` already knows
    /// this for most expressions (a known minimum length); only expressions
    /// containing an impossible part (such as an empty class) are inspected,
    /// and that inspection counts towards the step limit.
    fn can_match(&mut self, hir: &Hir) -> bool {
        if hir.properties().minimum_len().is_some() {
            return true;
        }
        self.steps = self.steps.saturating_add(1);
        if self.steps > MAX_STEPS {
            // Out of budget: `walk` reports the limit on its next step.
            return true;
        }
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) | HirKind::Literal(_) => true,
            HirKind::Class(Class::Unicode(class)) => !class.ranges().is_empty(),
            HirKind::Class(Class::Bytes(class)) => !class.ranges().is_empty(),
            HirKind::Repetition(rep) => rep.min == 0 || self.can_match(&rep.sub),
            HirKind::Capture(cap) => self.can_match(&cap.sub),
            HirKind::Concat(subs) => subs.iter().all(|sub| self.can_match(sub)),
            HirKind::Alternation(subs) => subs.iter().any(|sub| self.can_match(sub)),
        }
    }

    fn push(&mut self, bytes: &[u8]) -> Result<(), String> {
        if bytes.len() > MAX_OUTPUT_BYTES.saturating_sub(self.out.len()) {
            return Err(too_long());
        }
        self.out.extend_from_slice(bytes);
        Ok(())
    }
}

fn too_long() -> String {
    format!("the value would be longer than {MAX_OUTPUT_BYTES} bytes")
}

/// Picks a random value from the union of the inclusive `spans`, restricted to
/// the first tier (a list of inclusive windows) that shares any value with
/// them. Returns `None` when no tier intersects the spans.
fn pick(spans: &[(u32, u32)], tiers: &[&[(u32, u32)]], rng: &mut fastrand::Rng) -> Option<u32> {
    for tier in tiers {
        let pieces: Vec<(u32, u32)> = spans
            .iter()
            .flat_map(|&(lo, hi)| {
                tier.iter().filter_map(move |&(wlo, whi)| {
                    let (a, b) = (lo.max(wlo), hi.min(whi));
                    (a <= b).then_some((a, b))
                })
            })
            .collect();
        let size = |&(a, b): &(u32, u32)| u64::from(b.saturating_sub(a)).saturating_add(1);
        let total: u64 = pieces.iter().map(size).fold(0, u64::saturating_add);
        if total == 0 {
            continue;
        }
        let mut index = rng.u64(..total);
        for piece in &pieces {
            let piece_size = size(piece);
            if index < piece_size {
                return u32::try_from(index)
                    .ok()
                    .and_then(|i| piece.0.checked_add(i));
            }
            index = index.saturating_sub(piece_size);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_match(re: &str) -> regex::Regex {
        regex::Regex::new(&format!("^(?:{re})$")).expect("test regex compiles")
    }

    fn assert_always_matches(re: &str) {
        let checker = full_match(re);
        for seed in 0..200u64 {
            let mut rng = fastrand::Rng::with_seed(seed);
            let value = generate(re, &mut rng).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            assert!(
                checker.is_match(&value),
                "seed {seed}: {value:?} does not fully match {re:?}"
            );
        }
    }

    #[test]
    fn listed_regexes_always_fully_match() {
        for re in [
            r"\d{1,8}",
            r"[a-z]+",
            r"\w{3}\d{3}",
            r"(red|green|blue)",
            r"[A-F0-9]{6}",
            r"\d{4}-\d{2}-\d{2}",
            r".*(/a)",
            r"[^a-z]{3}",
            r"x?y*z+",
            r"(?i)abc",
            r"\p{Lu}{2}",
            r"\S+@\S+\.com",
        ] {
            assert_always_matches(re);
        }
    }

    #[test]
    fn anchors_and_boundaries_emit_nothing() {
        for re in [r"^abc$", r"\bword\b", r"\Ahello\z", r"(?m)^line$", r"^$"] {
            assert_always_matches(re);
        }
        let mut rng = fastrand::Rng::with_seed(1);
        assert_eq!(generate(r"^\bexact\b$", &mut rng).unwrap(), "exact");
        assert_eq!(generate("", &mut rng).unwrap(), "");
    }

    #[test]
    fn alternation_picks_every_branch_eventually() {
        let mut rng = fastrand::Rng::with_seed(7);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            seen.insert(generate("red|green|blue", &mut rng).unwrap());
        }
        let expected: std::collections::HashSet<String> = ["red", "green", "blue"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn repetition_counts_stay_in_bounds() {
        let mut rng = fastrand::Rng::with_seed(3);
        let mut lengths = std::collections::HashSet::new();
        for _ in 0..500 {
            let len = generate("a{2,5}", &mut rng).unwrap().len();
            assert!((2..=5).contains(&len), "length {len}");
            lengths.insert(len);
        }
        assert_eq!(lengths.len(), 4, "all counts 2..=5 occur");
        for _ in 0..200 {
            let len = generate("b*", &mut rng).unwrap().len();
            assert!(len <= UNBOUNDED_EXTRA as usize);
            let len = generate("c{3,}", &mut rng).unwrap().len();
            assert!((3..=3 + UNBOUNDED_EXTRA as usize).contains(&len));
            let len = generate("d{0,100000}", &mut rng).unwrap().len();
            assert!(len <= MAX_REPETITION_SPAN as usize);
        }
        assert_eq!(generate("e{4}", &mut rng).unwrap(), "eeee");
    }

    #[test]
    fn unicode_classes_prefer_printable_ascii() {
        let mut rng = fastrand::Rng::with_seed(11);
        for re in [r"\w{20}", r".{20}", r"\p{L}{20}", r"[^a-z]{20}", r"\S{20}"] {
            let value = generate(re, &mut rng).unwrap();
            assert!(
                value.chars().all(|c| (' '..='~').contains(&c)),
                "{re}: {value:?}"
            );
        }
        // Classes without printable ASCII still produce members of the class.
        let greek = full_match(r"\p{Greek}{5}");
        for _ in 0..50 {
            let value = generate(r"\p{Greek}{5}", &mut rng).unwrap();
            assert!(greek.is_match(&value), "{value:?}");
        }
        assert_eq!(generate(r"\n", &mut rng).unwrap(), "\n");
        assert_eq!(generate("é", &mut rng).unwrap(), "é");
    }

    #[test]
    fn byte_classes_are_supported() {
        let mut rng = fastrand::Rng::with_seed(5);
        let checker = full_match(r"(?-u:[a-c\x00]){8}");
        for _ in 0..50 {
            let value = generate(r"(?-u:[a-c\x00]){8}", &mut rng).unwrap();
            assert!(checker.is_match(&value), "{value:?}");
            assert!(!value.contains('\0'), "printable members are preferred");
        }
    }

    #[test]
    fn invalid_regex_is_an_error() {
        let mut rng = fastrand::Rng::with_seed(0);
        let err = generate("(", &mut rng).unwrap_err();
        assert_eq!(err.regex(), "(");
        assert!(!err.reason().is_empty());
        let text = err.to_string();
        assert!(
            text.starts_with("cannot generate a value from regex '(': "),
            "{text}"
        );
        assert!(!text.contains('\n'), "{text}");
        assert!(generate("a{3,2}", &mut rng).is_err());
        assert!(generate(r"\p{NoSuchProperty}", &mut rng).is_err());
        assert!(generate(r"(?-u:\xFF)", &mut rng).is_err());
    }

    #[test]
    fn regexes_that_cannot_match_are_errors() {
        let mut rng = fastrand::Rng::with_seed(0);
        assert!(generate(r"[^\x00-\x{10FFFF}]", &mut rng).is_err());
        assert!(generate(r"a[^\x00-\x{10FFFF}]{2}", &mut rng).is_err());
        // An impossible branch or optional part is simply avoided.
        for _ in 0..50 {
            assert_eq!(generate(r"x|[^\x00-\x{10FFFF}]", &mut rng).unwrap(), "x");
            assert_eq!(generate(r"y[^\x00-\x{10FFFF}]*", &mut rng).unwrap(), "y");
        }
    }

    #[test]
    fn huge_values_are_refused_not_built() {
        let mut rng = fastrand::Rng::with_seed(0);
        let err = generate("a{4294967295}", &mut rng).unwrap_err();
        assert!(err.reason().contains("longer than"), "{err}");
        assert!(generate("(?:a{1000}){1000}{1000}", &mut rng).is_err());
        assert!(generate("(?:a?){1000000000}", &mut rng).is_err());
        // Repeating an empty expression is instant.
        assert_eq!(generate(r"(?:\b|){4294967295}", &mut rng).unwrap(), "");
        // Large but allowed values are still produced in full.
        assert_eq!(generate("z{100000}", &mut rng).unwrap().len(), 100_000);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let mut rng = fastrand::Rng::with_seed(0);
        let shallow = format!("{}a{}", "(".repeat(50), ")".repeat(50));
        assert_eq!(generate(&shallow, &mut rng).unwrap(), "a");
        let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(generate(&deep, &mut rng).is_err());
        let stacked = format!("a{}", "{1}".repeat(10_000));
        assert!(generate(&stacked, &mut rng).is_err());
        let classes = format!("{}a{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(generate(&classes, &mut rng).is_err());
    }

    #[test]
    fn same_seed_gives_same_value() {
        let a = generate(r"[a-z]{5}\d{3}", &mut fastrand::Rng::with_seed(42)).unwrap();
        let b = generate(r"[a-z]{5}\d{3}", &mut fastrand::Rng::with_seed(42)).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn random_patterns_never_panic() {
        const ALPHABET: &[char] = &[
            '(', ')', '[', ']', '{', '}', '|', '*', '+', '?', '.', '^', '$', '\\', '-', ',', ':',
            '0', '1', '2', '9', 'a', 'b', 'd', 'w', 's', 'p', 'D', 'W', 'S', 'P', 'L', '<', '>',
            '=', '!', '&', '~', ' ', 'é', '\n',
        ];
        let mut rng = fastrand::Rng::with_seed(2024);
        let (mut ok, mut checked) = (0, 0);
        for i in 0..4000 {
            let len = rng.usize(0..16);
            let pattern: String = (0..len)
                .map(|_| {
                    if i % 4 == 0 {
                        rng.char(..)
                    } else {
                        ALPHABET[rng.usize(..ALPHABET.len())]
                    }
                })
                .collect();
            let Ok(value) = generate(&pattern, &mut rng) else {
                continue;
            };
            ok += 1;
            // Without look-around assertions a generated value must match.
            let has_look = ParserBuilder::new()
                .build()
                .parse(&pattern)
                .map(|h| !h.properties().look_set().is_empty())
                .unwrap_or(true);
            if has_look {
                continue;
            }
            if let Ok(checker) = regex::Regex::new(&format!("^(?:{pattern})$")) {
                checked += 1;
                assert!(
                    checker.is_match(&value),
                    "{value:?} does not match {pattern:?}"
                );
            }
        }
        assert!(ok > 100, "only {ok} patterns generated");
        assert!(checked > 100, "only {checked} values checked");
    }
}
