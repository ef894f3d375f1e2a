//! Query strings as the clients send them: Rack nested parameters (`q[][pacticipant]=Foo`), and
//! the `/matrix` and `/can-i-deploy` queries built on them.
//!
//! The Ruby clients and the Rust CLI both rely on Rack's rule that a repeated key inside
//! `q[]` starts a new array element, so `q[][pacticipant]=A&q[][version]=1&q[][pacticipant]=B`
//! means two selectors. Brackets may arrive raw or percent-encoded, and spaces as `+` or `%20`.

use std::fmt;

use percent_encoding::percent_decode_str;

/// Splits a raw query string (without the leading `?`) into percent-decoded `(key, value)`
/// pairs, in order. `+` is a space, as in HTML forms and Rack. A pair without `=` has an empty
/// value; empty segments (`a=1&&b=2`) are skipped. Invalid UTF-8 is replaced rather than
/// rejected, because a bad byte in one name should not make the whole request unreadable.
pub fn parse_query_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let (key, value) = segment.split_once('=').unwrap_or((segment, ""));
            (decode_component(key), decode_component(value))
        })
        .collect()
}

fn decode_component(raw: &str) -> String {
    let spaced = raw.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

/// One element of a Rack array of hashes (`q[][...]`): its keys and values in arrival order.
pub type NestedElement = Vec<(String, String)>;

/// Groups the pairs `base[][key]=value` into array elements by Rack's rule: a new element starts
/// when a key repeats within the current one. `base[N][key]` (an explicit index) is also
/// accepted, grouping by index in order of first appearance, because it is the other common
/// encoding of arrays of hashes. Pairs for other keys are ignored.
pub fn nested_array(pairs: &[(String, String)], base: &str) -> Vec<NestedElement> {
    let mut elements: Vec<NestedElement> = Vec::new();
    let mut indexed: Vec<(String, usize)> = Vec::new();
    for (key, value) in pairs {
        let Some((index, sub)) = split_nested_key(key, base) else {
            continue;
        };
        match index {
            None => {
                let start_new = match elements.last() {
                    Some(last) => last.iter().any(|(k, _)| *k == sub),
                    None => true,
                };
                if start_new {
                    elements.push(Vec::new());
                }
                if let Some(last) = elements.last_mut() {
                    last.push((sub, value.clone()));
                }
            }
            Some(index) => {
                let position = match indexed.iter().find(|(i, _)| *i == index) {
                    Some((_, position)) => *position,
                    None => {
                        elements.push(Vec::new());
                        indexed.push((index, elements.len() - 1));
                        elements.len() - 1
                    }
                };
                let element = &mut elements[position];
                match element.iter_mut().find(|(k, _)| *k == sub) {
                    Some(existing) => existing.1 = value.clone(),
                    None => element.push((sub, value.clone())),
                }
            }
        }
    }
    elements
}

/// Splits `base[INDEX][sub]` into `(Some(INDEX) or None for "[]", sub)`.
fn split_nested_key(key: &str, base: &str) -> Option<(Option<String>, String)> {
    let rest = key.strip_prefix(base)?.strip_prefix('[')?;
    let (index, rest) = rest.split_once(']')?;
    let sub = rest.strip_prefix('[')?.strip_suffix(']')?;
    if sub.is_empty() || sub.contains('[') || sub.contains(']') {
        return None;
    }
    let index = if index.is_empty() {
        None
    } else {
        Some(index.to_string())
    };
    Some((index, sub.to_string()))
}

/// The values of a flat or array parameter: `name=v` and `name[]=v` both count, in order.
pub fn values_of<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    let array_name = format!("{name}[]");
    pairs
        .iter()
        .filter(|(k, _)| *k == name || *k == array_name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The first value of a flat parameter, if given and not empty (Rack treats `x=` as absent for
/// every option the broker reads).
fn option_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, v)| k == name && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

/// How `/matrix` collapses repeated verifications (`latestby`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatestBy {
    /// `cvp`: keep the latest row per consumer version and provider.
    Cvp,
    /// `cvpv`: keep the latest row per consumer version and provider version.
    Cvpv,
}

impl LatestBy {
    /// Reads the query value; anything but `cvp`/`cvpv` means no de-duplication, as in Ruby.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "cvp" => Some(Self::Cvp),
            "cvpv" => Some(Self::Cvpv),
            _ => None,
        }
    }
}

/// One `q[]` selector: which version(s) of a pacticipant the question is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatrixSelector {
    /// The pacticipant name (required).
    pub pacticipant: String,
    /// An exact version number.
    pub version: Option<String>,
    /// `latest=true`: the latest version (of the tag or branch, when one is given).
    pub latest: bool,
    /// Versions with this tag.
    pub tag: Option<String>,
    /// Versions from this branch.
    pub branch: Option<String>,
    /// Versions from the pacticipant's main branch.
    pub main_branch: bool,
    /// Versions currently deployed or released to this environment.
    pub environment: Option<String>,
}

impl MatrixSelector {
    /// True when only the name was given, meaning "every version" (a matrix UI query rather
    /// than a can-i-deploy question).
    pub fn only_pacticipant_name(&self) -> bool {
        self.version.is_none()
            && !self.latest
            && self.tag.is_none()
            && self.branch.is_none()
            && !self.main_branch
            && self.environment.is_none()
    }
}

/// One `ignore[]` selector: rows involving this pacticipant (version) do not count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreSelector {
    /// The pacticipant to ignore.
    pub pacticipant: String,
    /// Only this version of it, when given.
    pub version: Option<String>,
}

/// What the selected versions are to be deployed alongside: the versions of every *other*
/// pacticipant that the question is asked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `latest=true` alone: the latest version of every other pacticipant.
    Latest,
    /// `tag=T`: versions with tag T; only the latest one when `latest` (the `--to T` form).
    Tag {
        /// The tag name.
        name: String,
        /// Whether only the latest tagged version counts.
        latest: bool,
    },
    /// `branch=B`: versions from branch B.
    Branch {
        /// The branch name.
        name: String,
        /// Whether only the latest version of the branch counts.
        latest: bool,
    },
    /// `mainBranch=true`: versions from each pacticipant's main branch (can-i-merge).
    MainBranch {
        /// Whether only the latest main-branch version counts.
        latest: bool,
    },
    /// `environment=E`: versions currently deployed or released to E.
    Environment(String),
}

/// A parsed `/matrix` (or `/can-i-deploy`) query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatrixQuery {
    /// The `q[]` selectors, in order.
    pub selectors: Vec<MatrixSelector>,
    /// The `ignore[]` selectors, in order.
    pub ignore: Vec<IgnoreSelector>,
    /// `latestby`, when given and recognised.
    pub latestby: Option<LatestBy>,
    /// The deployment target from the options, if any.
    pub target: Option<Target>,
    /// `success[]` filter: `Some(true)`/`Some(false)` keep rows with that verification result,
    /// `None` (from an empty value) keeps rows without a verification. Empty means no filter.
    /// (Ruby keeps the `nil` case too, hence `Option` rather than `bool`.)
    pub success: Vec<Option<bool>>,
    /// `limit`, when given; see [`MatrixQuery::effective_limit`].
    pub limit: Option<usize>,
}

/// The Ruby broker's default row limit for `/matrix`.
pub const DEFAULT_MATRIX_LIMIT: usize = 100;

impl MatrixQuery {
    /// The row limit to apply: the given `limit`, else the broker default of 100.
    pub fn effective_limit(&self) -> usize {
        self.limit.unwrap_or(DEFAULT_MATRIX_LIMIT)
    }

    /// Whether the query asks can-i-deploy's question, so that its `deployable` answer
    /// means something: every selector names versions (a number, latest, a tag, a branch,
    /// the main branch or an environment), as every selector `can-i-deploy` sends does. A
    /// selector with only a name browses all of a pacticipant's versions, and the verdict
    /// over all of them answers no question anyone asked.
    pub fn asks_can_i_deploy(&self) -> bool {
        !self.selectors.is_empty() && self.selectors.iter().all(|s| !s.only_pacticipant_name())
    }
}

/// Why a matrix query cannot be answered; rendered as `400 {"errors": [...]}`, the shape the
/// Ruby client pact expects for `/matrix`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatrixQueryErrors {
    /// The messages, in the Ruby broker's order and wording.
    pub messages: Vec<String>,
}

impl MatrixQueryErrors {
    /// The `400` body.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "errors": self.messages })
    }
}

impl fmt::Display for MatrixQueryErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.messages.join("; "))
    }
}

impl std::error::Error for MatrixQueryErrors {}

/// The message for a selector naming a pacticipant the broker does not know; the store adds it
/// to [`MatrixQueryErrors`] because only it knows which pacticipants exist (Ruby answers 400).
pub fn unknown_pacticipant_message(name: &str) -> String {
    format!("Pacticipant {name} not found")
}

/// The message for `environment=E` naming an environment the broker does not know.
pub fn unknown_environment_message(name: &str) -> String {
    format!("Environment with name '{name}' does not exist")
}

/// A selector element before validation: the name may be missing.
#[derive(Debug, Clone, Default)]
struct RawSelector {
    pacticipant: Option<String>,
    selector: MatrixSelector,
}

fn raw_selector(element: &NestedElement) -> RawSelector {
    let mut raw = RawSelector::default();
    for (key, value) in element {
        let present = (!value.is_empty()).then(|| value.clone());
        match key.as_str() {
            "pacticipant" => raw.pacticipant = present,
            "version" => raw.selector.version = present,
            "latest" => raw.selector.latest = value == "true",
            "tag" => raw.selector.tag = present,
            "branch" => raw.selector.branch = present,
            "mainBranch" => raw.selector.main_branch = value == "true",
            "environment" => raw.selector.environment = present,
            _ => {}
        }
    }
    raw
}

/// Parses and validates a `/matrix` query string.
///
/// Errors use the Ruby broker's messages ("Please specify the pacticipant name", "Please provide
/// 1 or more version selectors.", ...). Unknown pacticipants and environments are checked by the
/// caller, which appends [`unknown_pacticipant_message`] / [`unknown_environment_message`].
///
/// Some pact tools write a query's keys sorted (`q[][pacticipant]=A&q[][pacticipant]=B&
/// q[][version]=1&q[][version]=2`), which Rack's rule mis-groups into an element without a
/// pacticipant. Only in that case, when every `q[]` key that repeats has exactly one value per
/// pacticipant, the values are paired up by position instead; a query Rack can read is never
/// reinterpreted.
pub fn parse_matrix_query(raw: &str) -> Result<MatrixQuery, MatrixQueryErrors> {
    let pairs = parse_query_pairs(raw);
    let mut messages = Vec::new();

    let mut raw_selectors: Vec<RawSelector> =
        nested_array(&pairs, "q").iter().map(raw_selector).collect();
    if raw_selectors.iter().any(|s| s.pacticipant.is_none()) {
        if let Some(columns) = columnar_selectors(&pairs) {
            raw_selectors = columns;
        }
    }
    let mut selectors = Vec::new();
    for raw in raw_selectors {
        match raw.pacticipant {
            None => messages.push("Please specify the pacticipant name".to_string()),
            Some(name) => {
                if raw.selector.version.is_some() && raw.selector.latest {
                    messages.push(format!(
                        "A version number and latest flag cannot both be specified for {name}"
                    ));
                }
                selectors.push(MatrixSelector {
                    pacticipant: name,
                    ..raw.selector
                });
            }
        }
    }
    if selectors.is_empty() && messages.is_empty() {
        messages.push("Please provide 1 or more version selectors.".to_string());
    }

    let mut ignore = Vec::new();
    for element in nested_array(&pairs, "ignore") {
        let raw = raw_selector(&element);
        match raw.pacticipant {
            None => messages.push("Please specify the pacticipant name to ignore".to_string()),
            Some(name) => ignore.push(IgnoreSelector {
                pacticipant: name,
                version: raw.selector.version,
            }),
        }
    }

    let latest = option_value(&pairs, "latest").map(|v| v == "true");
    let tag = option_value(&pairs, "tag");
    let branch = option_value(&pairs, "branch");
    let environment = option_value(&pairs, "environment");
    let main_branch = option_value(&pairs, "mainBranch") == Some("true");
    let latest = latest.unwrap_or(false);
    let destinations = [
        tag.is_some(),
        environment.is_some(),
        main_branch,
        branch.is_some(),
    ]
    .iter()
    .filter(|given| **given)
    .count();
    if destinations > 1 {
        messages.push("Cannot specify more than one of tag, environment and mainBranch.".into());
    }
    if latest && environment.is_some() {
        messages.push("Cannot specify both latest=true and an environment.".into());
    }
    let target = if let Some(name) = environment {
        Some(Target::Environment(name.to_string()))
    } else if let Some(name) = tag {
        Some(Target::Tag {
            name: name.to_string(),
            latest,
        })
    } else if let Some(name) = branch {
        Some(Target::Branch {
            name: name.to_string(),
            latest,
        })
    } else if main_branch {
        Some(Target::MainBranch { latest })
    } else if latest {
        Some(Target::Latest)
    } else {
        None
    };

    let limit = parse_limit(option_value(&pairs, "limit")).unwrap_or_else(|message| {
        messages.push(message);
        None
    });

    let success = values_of(&pairs, "success")
        .into_iter()
        .map(|v| {
            if v.is_empty() {
                None
            } else {
                Some(v == "true")
            }
        })
        .collect();

    if !messages.is_empty() {
        return Err(MatrixQueryErrors { messages });
    }
    Ok(MatrixQuery {
        selectors,
        ignore,
        latestby: option_value(&pairs, "latestby").and_then(LatestBy::parse),
        target,
        success,
        limit,
    })
}

/// Reads a `limit` value (`None` when absent): a whole number of 1 or more, else the
/// Ruby broker's message. Shared with the dashboard, whose default matrix takes a limit
/// without any selector.
pub fn parse_limit(value: Option<&str>) -> Result<Option<usize>, String> {
    match value {
        None => Ok(None),
        Some(value) => match value.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err("The limit must be 1 or greater.".into()),
        },
    }
}

/// Pairs `q[][k]` values by position when the query was written key-sorted (see
/// [`parse_matrix_query`]). `None` when that reading is not unambiguous.
fn columnar_selectors(pairs: &[(String, String)]) -> Option<Vec<RawSelector>> {
    let mut columns: Vec<(String, Vec<String>)> = Vec::new();
    for (key, value) in pairs {
        let Some((None, sub)) = split_nested_key(key, "q") else {
            continue;
        };
        match columns.iter_mut().find(|(k, _)| *k == sub) {
            Some((_, values)) => values.push(value.clone()),
            None => columns.push((sub, vec![value.clone()])),
        }
    }
    let count = columns
        .iter()
        .find(|(k, _)| k == "pacticipant")
        .map(|(_, v)| v.len())?;
    if count < 2 || columns.iter().any(|(_, v)| v.len() != count) {
        return None;
    }
    let selectors = (0..count)
        .map(|i| {
            let element: NestedElement = columns
                .iter()
                .map(|(k, values)| (k.clone(), values[i].clone()))
                .collect();
            raw_selector(&element)
        })
        .collect();
    Some(selectors)
}

/// Parses `GET /can-i-deploy?pacticipant=P&version=V&environment=E` (or `&to=TAG`) into the same
/// question as the equivalent `/matrix` query: one selector, `latestby=cvp` (`cvpv` for an
/// environment, as every co-deployed version counts), `to=T` meaning the latest version with
/// tag T. `ignore[]=Name` and `ignore[][pacticipant]=..&ignore[][version]=..` are accepted.
pub fn parse_can_i_deploy_query(raw: &str) -> Result<MatrixQuery, MatrixQueryErrors> {
    let pairs = parse_query_pairs(raw);
    let mut messages = Vec::new();
    let pacticipant = option_value(&pairs, "pacticipant");
    let version = option_value(&pairs, "version");
    let to = option_value(&pairs, "to");
    let environment = option_value(&pairs, "environment");
    if pacticipant.is_none() {
        messages.push("pacticipant is missing".to_string());
    }
    if version.is_none() {
        messages.push("version is missing".to_string());
    }
    match (to, environment) {
        (Some(_), Some(_)) => {
            messages.push("Cannot specify both a 'to' tag and an environment.".into())
        }
        (None, None) => messages.push("Must specify either an environment or a 'to' tag.".into()),
        _ => {}
    }
    let mut ignore: Vec<IgnoreSelector> = pairs
        .iter()
        .filter(|(k, v)| k == "ignore[]" && !v.is_empty())
        .map(|(_, v)| IgnoreSelector {
            pacticipant: v.clone(),
            version: None,
        })
        .collect();
    for element in nested_array(&pairs, "ignore") {
        let raw = raw_selector(&element);
        if let Some(name) = raw.pacticipant {
            ignore.push(IgnoreSelector {
                pacticipant: name,
                version: raw.selector.version,
            });
        }
    }
    if !messages.is_empty() {
        return Err(MatrixQueryErrors { messages });
    }
    let (target, latestby) = match (to, environment) {
        (_, Some(env)) => (Target::Environment(env.to_string()), LatestBy::Cvpv),
        (Some(tag), None) => (
            Target::Tag {
                name: tag.to_string(),
                latest: true,
            },
            LatestBy::Cvp,
        ),
        (None, None) => return Err(MatrixQueryErrors { messages }),
    };
    Ok(MatrixQuery {
        selectors: vec![MatrixSelector {
            pacticipant: pacticipant.unwrap_or_default().to_string(),
            version: version.map(str::to_string),
            ..MatrixSelector::default()
        }],
        ignore,
        latestby: Some(latestby),
        target: Some(target),
        success: Vec::new(),
        limit: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(name: &str, version: Option<&str>) -> MatrixSelector {
        MatrixSelector {
            pacticipant: name.into(),
            version: version.map(str::to_string),
            ..MatrixSelector::default()
        }
    }

    #[test]
    fn pairs_are_percent_decoded_with_plus_as_space() {
        let pairs = parse_query_pairs("a=Foo+Thing&b=Foo%20Thing&c%5B%5D=1%2e2&flag&&d=");
        assert_eq!(
            pairs,
            vec![
                ("a".into(), "Foo Thing".into()),
                ("b".into(), "Foo Thing".into()),
                ("c[]".into(), "1.2".into()),
                ("flag".into(), "".into()),
                ("d".into(), "".into()),
            ]
        );
    }

    #[test]
    fn encoded_plus_stays_a_plus_and_bad_utf8_is_replaced() {
        let pairs = parse_query_pairs("v=1%2B2&n=%FF");
        assert_eq!(pairs[0].1, "1+2");
        assert_eq!(pairs[1].1, "\u{FFFD}");
    }

    #[test]
    fn repeated_key_starts_a_new_element() {
        let pairs = parse_query_pairs(
            "q[][pacticipant]=Foo&q[][version]=1&q[][pacticipant]=Bar&q[][latest]=true&x=1",
        );
        let elements = nested_array(&pairs, "q");
        assert_eq!(elements.len(), 2);
        assert_eq!(
            elements[0],
            vec![
                ("pacticipant".to_string(), "Foo".to_string()),
                ("version".to_string(), "1".to_string())
            ]
        );
        assert_eq!(elements[1][1], ("latest".to_string(), "true".to_string()));
    }

    #[test]
    fn explicit_indexes_group_by_index() {
        let pairs = parse_query_pairs(
            "q[0][pacticipant]=Foo&q[1][pacticipant]=Bar&q[0][version]=1&q[1][version]=2",
        );
        let elements = nested_array(&pairs, "q");
        assert_eq!(elements.len(), 2);
        assert_eq!(elements[0][1].1, "1");
        assert_eq!(elements[1][1].1, "2");
    }

    #[test]
    fn other_bases_and_malformed_keys_are_ignored() {
        let pairs = parse_query_pairs("qq[][pacticipant]=A&q[pacticipant]=B&q[][]=C&q[][a][b]=D");
        assert!(nested_array(&pairs, "q").is_empty());
    }

    #[test]
    fn matrix_query_with_encoded_brackets_from_ruby_client() {
        let q = parse_matrix_query(
            "q%5B%5D%5Bpacticipant%5D=Foo%20Thing&q%5B%5D%5Bversion%5D=1.2.3&q%5B%5D%5Bpacticipant%5D=Bar&q%5B%5D%5Bversion%5D=4.5.6&latestby=cvpv",
        )
        .unwrap();
        assert_eq!(
            q.selectors,
            vec![sel("Foo Thing", Some("1.2.3")), sel("Bar", Some("4.5.6"))]
        );
        assert_eq!(q.latestby, Some(LatestBy::Cvpv));
        assert_eq!(q.target, None);
        assert_eq!(q.effective_limit(), 100);
    }

    #[test]
    fn matrix_query_selector_keys() {
        let q = parse_matrix_query(
            "q[][pacticipant]=Foo&q[][version]=1.2.3&q[][pacticipant]=Bar&q[][latest]=true&q[][tag]=prod\
             &q[][pacticipant]=Baz&q[][branch]=main&q[][pacticipant]=Qux&q[][mainBranch]=true\
             &q[][pacticipant]=Env&q[][environment]=production&latestby=cvp",
        )
        .unwrap();
        assert_eq!(q.selectors.len(), 5);
        assert_eq!(q.selectors[1].tag.as_deref(), Some("prod"));
        assert!(q.selectors[1].latest);
        assert_eq!(q.selectors[2].branch.as_deref(), Some("main"));
        assert!(q.selectors[3].main_branch);
        assert_eq!(q.selectors[4].environment.as_deref(), Some("production"));
        assert!(q.selectors[0].version.is_some() && !q.selectors[0].only_pacticipant_name());
        assert_eq!(q.latestby, Some(LatestBy::Cvp));
    }

    #[test]
    fn matrix_query_options_and_ignore() {
        let q = parse_matrix_query(
            "q[][pacticipant]=Bar&q[][version]=4.5.6&latestby=cvpv&ignore[][pacticipant]=Foo&ignore[][version]=3.4.5&ignore[][pacticipant]=Baz&success[]=true&success[]=&success[]=false&limit=5",
        )
        .unwrap();
        assert_eq!(
            q.ignore,
            vec![
                IgnoreSelector {
                    pacticipant: "Foo".into(),
                    version: Some("3.4.5".into())
                },
                IgnoreSelector {
                    pacticipant: "Baz".into(),
                    version: None
                }
            ]
        );
        assert_eq!(q.success, vec![Some(true), None, Some(false)]);
        assert_eq!(q.limit, Some(5));
        assert_eq!(q.effective_limit(), 5);
    }

    #[test]
    fn flat_success_and_unknown_latestby() {
        let q = parse_matrix_query("q[][pacticipant]=Foo&success=false&latestby=xyz").unwrap();
        assert_eq!(q.success, vec![Some(false)]);
        assert_eq!(q.latestby, None);
    }

    #[test]
    fn matrix_query_targets() {
        let base = "q[][pacticipant]=Foo&q[][version]=1";
        let target = |extra: &str| {
            parse_matrix_query(&format!("{base}&{extra}"))
                .unwrap()
                .target
        };
        assert_eq!(
            target("latest=true&tag=prod"),
            Some(Target::Tag {
                name: "prod".into(),
                latest: true
            })
        );
        assert_eq!(
            target("tag=prod"),
            Some(Target::Tag {
                name: "prod".into(),
                latest: false
            })
        );
        assert_eq!(
            target("environment=production"),
            Some(Target::Environment("production".into()))
        );
        assert_eq!(
            target("mainBranch=true&latest=true"),
            Some(Target::MainBranch { latest: true })
        );
        assert_eq!(
            target("branch=dev"),
            Some(Target::Branch {
                name: "dev".into(),
                latest: false
            })
        );
        assert_eq!(target("latest=true"), Some(Target::Latest));
        assert_eq!(target("latest=false&mainBranch=false"), None);
        assert_eq!(target("tag="), None);
    }

    #[test]
    fn matrix_query_validation_messages() {
        let err = parse_matrix_query("latestby=cvpv").unwrap_err();
        assert_eq!(
            err.messages,
            vec!["Please provide 1 or more version selectors."]
        );
        assert_eq!(
            err.to_json(),
            serde_json::json!({"errors": ["Please provide 1 or more version selectors."]})
        );

        let err = parse_matrix_query("q[][version]=1").unwrap_err();
        assert_eq!(err.messages, vec!["Please specify the pacticipant name"]);

        let err =
            parse_matrix_query("q[][pacticipant]=Foo&q[][version]=1&q[][latest]=true").unwrap_err();
        assert_eq!(
            err.messages,
            vec!["A version number and latest flag cannot both be specified for Foo"]
        );

        let err = parse_matrix_query(
            "q[][pacticipant]=Foo&ignore[][version]=1&tag=a&environment=b&latest=true&limit=0",
        )
        .unwrap_err();
        assert_eq!(
            err.messages,
            vec![
                "Please specify the pacticipant name to ignore",
                "Cannot specify more than one of tag, environment and mainBranch.",
                "Cannot specify both latest=true and an environment.",
                "The limit must be 1 or greater.",
            ]
        );
        assert!(parse_matrix_query("q[][pacticipant]=Foo&limit=abc").is_err());
        assert!(err.to_string().contains("; "));
    }

    #[test]
    fn key_sorted_query_is_paired_by_position() {
        // As written by the V2 Ruby client pact: keys sorted, values in order per key.
        let q = parse_matrix_query(
            "latestby=cvpv&q[][pacticipant]=Foo+Thing&q[][pacticipant]=Bar&q[][version]=1%2e2%2e3&q[][version]=4%2e5%2e6",
        )
        .unwrap();
        assert_eq!(
            q.selectors,
            vec![sel("Foo Thing", Some("1.2.3")), sel("Bar", Some("4.5.6"))]
        );
        // Not unambiguous: Rack's reading stands, so the error stands.
        assert!(parse_matrix_query(
            "q[][pacticipant]=A&q[][pacticipant]=B&q[][version]=1&q[][version]=2&q[][version]=3"
        )
        .is_err());
        // A query Rack reads is never reinterpreted.
        let q = parse_matrix_query("q[][pacticipant]=Foo&q[][pacticipant]=Bar").unwrap();
        assert_eq!(q.selectors, vec![sel("Foo", None), sel("Bar", None)]);
        assert!(q.selectors[0].only_pacticipant_name());
    }

    #[test]
    fn can_i_deploy_query_to_environment_and_tag() {
        let q = parse_can_i_deploy_query(
            "pacticipant=Foo+Thing&version=1.2.3&environment=production&ignore[]=Bar&ignore[][pacticipant]=Baz&ignore[][version]=2",
        )
        .unwrap();
        assert_eq!(q.selectors, vec![sel("Foo Thing", Some("1.2.3"))]);
        assert_eq!(q.target, Some(Target::Environment("production".into())));
        assert_eq!(q.latestby, Some(LatestBy::Cvpv));
        assert_eq!(q.ignore.len(), 2);
        assert_eq!(q.ignore[1].version.as_deref(), Some("2"));

        let q = parse_can_i_deploy_query("pacticipant=Foo&version=1&to=prod").unwrap();
        assert_eq!(
            q.target,
            Some(Target::Tag {
                name: "prod".into(),
                latest: true
            })
        );
        assert_eq!(q.latestby, Some(LatestBy::Cvp));
    }

    #[test]
    fn can_i_deploy_query_errors() {
        let err = parse_can_i_deploy_query("").unwrap_err();
        assert_eq!(
            err.messages,
            vec![
                "pacticipant is missing",
                "version is missing",
                "Must specify either an environment or a 'to' tag."
            ]
        );
        let err =
            parse_can_i_deploy_query("pacticipant=a&version=1&to=x&environment=y").unwrap_err();
        assert_eq!(
            err.messages,
            vec!["Cannot specify both a 'to' tag and an environment."]
        );
    }

    #[test]
    fn store_side_messages() {
        assert_eq!(
            unknown_pacticipant_message("Wiffle"),
            "Pacticipant Wiffle not found"
        );
        assert_eq!(
            unknown_environment_message("prod"),
            "Environment with name 'prod' does not exist"
        );
        assert_eq!(LatestBy::parse("other"), None);
    }

    #[test]
    fn a_question_names_versions_of_every_selector() {
        let asks = |raw: &str| parse_matrix_query(raw).unwrap().asks_can_i_deploy();
        assert!(asks(
            "q[][pacticipant]=Web&q[][version]=1&latestby=cvp&environment=prod"
        ));
        assert!(asks(
            "q[][pacticipant]=Web&q[][version]=2&q[][pacticipant]=API&q[][latest]=true"
        ));
        assert!(asks(
            "q[][pacticipant]=Web&q[][branch]=main&mainBranch=true"
        ));
        assert!(!asks("q[][pacticipant]=Web&q[][pacticipant]=API"));
        assert!(!asks(
            "q[][pacticipant]=Web&q[][version]=1&q[][pacticipant]=API"
        ));
        assert!(!MatrixQuery::default().asks_can_i_deploy());
        assert_eq!(parse_limit(None), Ok(None));
        assert_eq!(parse_limit(Some(" 7 ")), Ok(Some(7)));
        assert_eq!(
            parse_limit(Some("0")),
            Err("The limit must be 1 or greater.".to_string())
        );
    }
}
