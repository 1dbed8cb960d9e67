//! The scenario contract every lab follows: a versioned serde struct of the inputs a person can
//! change, decoded once at the boundary (link, paste, storage) into a value that is valid.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// A problem with one input, shown next to that input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The JSON key of the field (and of its editor control).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError { field: field.to_string(), message: message.into() }
    }
}

/// A lab's inputs.
///
/// The JSON form is an object with a version key `v`; every other key is optional (a missing key
/// takes its default), so a hand-written link need only name what it changes. Unknown keys are
/// refused by name, which catches typos.
pub trait Scenario: Serialize + DeserializeOwned + Default + Clone + PartialEq {
    /// The lab's id, as in its route (`tcp`).
    const LAB: &'static str;
    /// The current version of the JSON form.
    const VERSION: u32;
    /// Top-level keys that hold secrets: left out of links unless the person asks.
    const SECRET_FIELDS: &'static [&'static str] = &[];

    /// Checks the values against the lab's limits; empty when the scenario can run.
    fn validate(&self) -> Vec<FieldError>;

    /// Rewrites an older version's JSON object into the current version's form.
    fn migrate(value: &mut Value, from_version: u32) -> Result<(), ScenarioError> {
        let _ = value;
        Err(ScenarioError::UnsupportedVersion { found: from_version })
    }
}

/// Why a scenario's JSON was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioError {
    NotJson { line: usize, column: usize, message: String },
    NotAnObject,
    BadVersion,
    /// A whole number that is no version this Wirelab reads (negative, or past u32).
    UnknownVersion(String),
    /// A number that is not a whole number a version can be (`1.5`, `2e400`, past 2^64).
    OddVersion,
    NewerVersion { found: u32, supported: u32 },
    UnsupportedVersion { found: u32 },
    /// A key or value of the wrong shape, in serde's words (names the key).
    Shape(String),
    /// Values outside the lab's limits.
    Values(Vec<FieldError>),
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::NotJson { line, column, message } => {
                write!(f, "the scenario is not valid JSON (line {line}, column {column}: {message})")
            }
            ScenarioError::NotAnObject => write!(f, "the scenario must be a JSON object like {{\"v\":1, …}}"),
            ScenarioError::BadVersion => write!(f, "the scenario's \"v\" must be a version number, like 1"),
            ScenarioError::UnknownVersion(v) => write!(f, "the scenario's version {v} is not one this Wirelab can read"),
            ScenarioError::OddVersion => write!(f, "the scenario's version must be a small whole number, like 1"),
            ScenarioError::NewerVersion { found, supported } => write!(
                f,
                "the scenario is version {found}, made by a newer Wirelab; this one reads up to version {supported}"
            ),
            ScenarioError::UnsupportedVersion { found } => {
                write!(f, "scenario version {found} is not one this Wirelab can read")
            }
            ScenarioError::Shape(message) => write!(f, "the scenario has {message}"),
            ScenarioError::Values(errors) => {
                write!(f, "the scenario has invalid values: ")?;
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        write!(f, "; ")?;
                    }
                    write!(f, "{}: {}", e.field, e.message)?;
                }
                Ok(())
            }
        }
    }
}

/// Decodes, upgrades and validates a scenario from its JSON text.
/// serde_json's message, without its position (given apart), and in plain words where its own
/// would mislead: a lone UTF-16 surrogate escape is reported by it as a bad hex escape.
fn json_problem(text: &str, message: &str) -> String {
    let lone_surrogate = text.to_ascii_lowercase().match_indices("\\ud").any(|(i, _)| {
        text.as_bytes().get(i + 3).is_some_and(|b| matches!(b.to_ascii_lowercase(), b'8'..=b'9' | b'a'..=b'f'))
    });
    if lone_surrogate && (message.contains("hex escape") || message.contains("surrogate")) {
        return "a \\uD800–\\uDFFF escape is half of a UTF-16 pair and must come with its other half".into();
    }
    strip_position(message)
}

pub fn from_json<S: Scenario>(text: &str) -> Result<S, ScenarioError> {
    let value: Value = serde_json::from_str(text).map_err(|e| ScenarioError::NotJson {
        line: e.line(),
        column: e.column(),
        message: json_problem(text, &e.to_string()),
    })?;
    from_value(value)
}

/// A scenario from JSON already parsed (a part of a larger document), checked as
/// [`from_json`] checks it.
pub fn from_value<S: Scenario>(mut value: Value) -> Result<S, ScenarioError> {
    let object = value.as_object_mut().ok_or(ScenarioError::NotAnObject)?;
    let version = match object.get("v") {
        None => S::VERSION,
        Some(v) => match v.as_u64().and_then(|v| u32::try_from(v).ok()) {
            Some(v) => v,
            // Named by its digits; other numbers are not (writing one back would need float
            // formatting, which the pages do without).
            None => match (v.as_u64(), v.as_i64()) {
                (Some(n), _) => return Err(ScenarioError::UnknownVersion(n.to_string())),
                (_, Some(n)) => return Err(ScenarioError::UnknownVersion(n.to_string())),
                _ if v.is_number() => return Err(ScenarioError::OddVersion),
                _ => return Err(ScenarioError::BadVersion),
            },
        },
    };
    if version > S::VERSION {
        return Err(ScenarioError::NewerVersion { found: version, supported: S::VERSION });
    }
    if version < S::VERSION {
        S::migrate(&mut value, version)?;
    }
    if let Some(object) = value.as_object_mut() {
        object.insert("v".into(), Value::from(S::VERSION));
    }
    let scenario: S = serde_json::from_value(value).map_err(|e| ScenarioError::Shape(e.to_string()))?;
    let errors = scenario.validate();
    if errors.is_empty() {
        Ok(scenario)
    } else {
        Err(ScenarioError::Values(errors))
    }
}

/// The scenario's JSON text; secret fields are left out unless `include_secrets`.
pub fn to_json<S: Scenario>(scenario: &S, include_secrets: bool) -> String {
    // Written straight from the scenario when nothing is left out (the keys then come in the
    // scenario's order, not sorted); a page whose lab has no secrets then has no code that
    // writes a JSON value tree.
    if include_secrets || S::SECRET_FIELDS.is_empty() {
        return serde_json::to_string(scenario).unwrap_or_default();
    }
    to_value(scenario, include_secrets).to_string()
}

/// The scenario as a JSON value, its secret fields left out unless asked for.
pub fn to_value<S: Scenario>(scenario: &S, include_secrets: bool) -> Value {
    let mut value = serde_json::to_value(scenario).unwrap_or(Value::Null);
    if !include_secrets {
        if let Some(object) = value.as_object_mut() {
            for key in S::SECRET_FIELDS {
                object.remove(*key);
            }
        }
    }
    value
}

/// A whole number typed into a form field (`_` may group digits), or the reason it is not one,
/// worded for the person: empty, negative, too large, or not a number (the text shown, cut at
/// 20 characters, its control characters escaped).
pub fn whole_number<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    let t = text.trim().replace('_', "");
    let shown = || crate::export::visible(&t.chars().take(20).collect::<String>());
    if t.is_empty() {
        return Err("enter a number".into());
    }
    if t.len() > 400 {
        return Err("too long to be a number".into());
    }
    match t.parse::<T>() {
        Ok(v) => Ok(v),
        Err(_) => {
            let digits = |d: &str| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit());
            if t.strip_prefix('-').is_some_and(digits) {
                Err(format!("“{}” is negative: enter 0 or more", shown()))
            } else if digits(&t) {
                Err(format!("“{}” is too large", shown()))
            } else {
                Err(format!("“{}” is not a whole number", shown()))
            }
        }
    }
}

/// The end of every editor form's parse: the problems found reading what was typed, then the
/// scenario's own checks for the fields that did read (at most one problem per field first).
pub fn checked<S: Scenario>(s: S, mut errors: Vec<FieldError>) -> Result<S, Vec<FieldError>> {
    let typed: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
    errors.extend(s.validate().into_iter().filter(|e| !typed.contains(&e.field)));
    if errors.is_empty() {
        Ok(s)
    } else {
        Err(errors)
    }
}

/// serde_json appends " at line L column C" to its messages; the position is reported apart.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests {

    #[test]
    fn whole_numbers_say_what_is_wrong() {
        assert_eq!(whole_number::<u64>(" 1_000 "), Ok(1000));
        assert_eq!(whole_number::<u64>(""), Err("enter a number".to_string()));
        assert_eq!(whole_number::<u64>("-5"), Err("“-5” is negative: enter 0 or more".to_string()));
        assert_eq!(whole_number::<u16>("70000"), Err("“70000” is too large".to_string()));
        assert_eq!(whole_number::<u64>("99999999999999999999999"), Err("“99999999999999999999” is too large".to_string()));
        assert_eq!(whole_number::<u64>("1.5"), Err("“1.5” is not a whole number".to_string()));
        assert_eq!(whole_number::<u64>("1\u{202e}2"), Err("“1\\u{202e}2” is not a whole number".to_string()));
        assert_eq!(whole_number::<u64>(&"9".repeat(500)), Err("too long to be a number".to_string()));
    }

    use super::*;
    use serde::Deserialize;

    /// A scenario with a secret, standing in for labs (like JWT) that have one.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct Demo {
        pub v: u32,
        pub name: String,
        pub secret: String,
        pub count: u32,
    }

    impl Default for Demo {
        fn default() -> Self {
            Demo { v: 2, name: "demo".into(), secret: String::new(), count: 3 }
        }
    }

    impl Scenario for Demo {
        const LAB: &'static str = "demo";
        const VERSION: u32 = 2;
        const SECRET_FIELDS: &'static [&'static str] = &["secret"];

        fn validate(&self) -> Vec<FieldError> {
            if self.count > 10 {
                vec![FieldError::new("count", "must be at most 10")]
            } else {
                vec![]
            }
        }

        fn migrate(value: &mut Value, from: u32) -> Result<(), ScenarioError> {
            // Version 1 called `count` `n`.
            if from != 1 {
                return Err(ScenarioError::UnsupportedVersion { found: from });
            }
            if let Some(o) = value.as_object_mut() {
                if let Some(n) = o.remove("n") {
                    o.insert("count".into(), n);
                }
            }
            Ok(())
        }
    }

    #[test]
    fn missing_keys_take_defaults() {
        let d: Demo = from_json(r#"{"name":"x"}"#).unwrap();
        assert_eq!(d, Demo { name: "x".into(), ..Demo::default() });
    }

    #[test]
    fn older_versions_keep_decoding() {
        let d: Demo = from_json(r#"{"v":1,"n":7}"#).unwrap();
        assert_eq!(d.count, 7);
        assert_eq!(d.v, 2);
    }

    #[test]
    fn errors_are_specific() {
        assert_eq!(from_json::<Demo>(r#"{"v":3}"#), Err(ScenarioError::NewerVersion { found: 3, supported: 2 }));
        assert_eq!(from_json::<Demo>(r#"{"v":0}"#), Err(ScenarioError::UnsupportedVersion { found: 0 }));
        assert_eq!(from_json::<Demo>(r#"{"v":"2"}"#), Err(ScenarioError::BadVersion));
        assert_eq!(from_json::<Demo>(r#"{"v":-1}"#).unwrap_err().to_string(), "the scenario's version -1 is not one this Wirelab can read");
        assert_eq!(from_json::<Demo>(r#"{"v":999999999999}"#), Err(ScenarioError::UnknownVersion("999999999999".into())));
        assert_eq!(from_json::<Demo>(r#"{"v":-99999999999999}"#), Err(ScenarioError::UnknownVersion("-99999999999999".into())));
        for fraction in ["1.5", "2.0", "-0.5", "1e300", "99999999999999999999"] {
            assert_eq!(from_json::<Demo>(&format!(r#"{{"v":{fraction}}}"#)), Err(ScenarioError::OddVersion), "{fraction}");
        }
        let surrogate = from_json::<Demo>(r#"{"name":"\ud800"}"#).unwrap_err().to_string();
        assert!(surrogate.contains("half of a UTF-16 pair"), "{surrogate}");
        assert_eq!(from_json::<Demo>("[1]"), Err(ScenarioError::NotAnObject));
        match from_json::<Demo>("{\n \"name\": }") {
            Err(ScenarioError::NotJson { line: 2, column, .. }) => assert_eq!(column, 10),
            other => panic!("{other:?}"),
        }
        let shape = from_json::<Demo>(r#"{"nmae":"x"}"#).unwrap_err().to_string();
        assert!(shape.contains("unknown field `nmae`"), "{shape}");
        assert_eq!(
            from_json::<Demo>(r#"{"count":11}"#),
            Err(ScenarioError::Values(vec![FieldError::new("count", "must be at most 10")]))
        );
    }

    #[test]
    fn secrets_stay_out_unless_asked() {
        let d = Demo { secret: "s3cret".into(), ..Demo::default() };
        assert!(!to_json(&d, false).contains("s3cret"));
        assert!(to_json(&d, true).contains("s3cret"));
        let back: Demo = from_json(&to_json(&d, false)).unwrap();
        assert_eq!(back.secret, "", "a stripped secret decodes to the default");
        let kept: Demo = from_json(&to_json(&d, true)).unwrap();
        assert_eq!(kept, d);
    }
}
