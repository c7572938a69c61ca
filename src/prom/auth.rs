//! Credentials and extra headers for the Prometheus client.
//!
//! Secrets never come from argv (where `ps` and CI logs would show them): a bearer token comes
//! from `--prometheus-token-file` or `PROMETHEUS_TOKEN`, basic auth from `PROMETHEUS_USERNAME`
//! and `PROMETHEUS_PASSWORD`. Headers such as `X-Scope-OrgID: t1` are not secret and may be
//! given on the command line.

use std::fmt;
use std::path::Path;

use super::Error;

/// Environment variable holding a bearer token.
pub const ENV_TOKEN: &str = "PROMETHEUS_TOKEN";
/// Environment variable holding the basic-auth user name.
pub const ENV_USERNAME: &str = "PROMETHEUS_USERNAME";
/// Environment variable holding the basic-auth password.
pub const ENV_PASSWORD: &str = "PROMETHEUS_PASSWORD";

/// How requests authenticate. `Debug` never prints the secret.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum Auth {
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// `Authorization: Basic base64(user:password)`.
    Basic { username: String, password: String },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Auth::Basic { username, .. } => write!(f, "Basic({username}:<redacted>)"),
        }
    }
}

impl Auth {
    /// Reads credentials from the process environment, the token file winning over
    /// `PROMETHEUS_TOKEN`, which wins over basic auth.
    pub fn from_env(token_file: Option<&Path>) -> Result<Auth, Error> {
        Auth::from_sources(token_file, |k| std::env::var(k).ok())
    }

    /// Like [`Auth::from_env`] with a custom environment lookup (for tests and MCP).
    pub fn from_sources(
        token_file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Auth, Error> {
        if let Some(path) = token_file {
            let raw = std::fs::read_to_string(path).map_err(|e| {
                Error::Config(format!("reading token file {}: {e}", path.display()))
            })?;
            let token = raw.trim();
            if token.is_empty() {
                return Err(Error::Config(format!(
                    "token file {} is empty",
                    path.display()
                )));
            }
            return Ok(Auth::Bearer(token.to_string()));
        }
        let non_empty = |k: &str| env(k).filter(|v| !v.is_empty());
        if let Some(token) = non_empty(ENV_TOKEN) {
            return Ok(Auth::Bearer(token.trim().to_string()));
        }
        match (non_empty(ENV_USERNAME), env(ENV_PASSWORD)) {
            (Some(username), password) => Ok(Auth::Basic {
                username,
                password: password.unwrap_or_default(),
            }),
            (None, Some(p)) if !p.is_empty() => Err(Error::Config(format!(
                "{ENV_PASSWORD} is set but {ENV_USERNAME} is not"
            ))),
            _ => Ok(Auth::None),
        }
    }

    /// The `Authorization` header value, if any.
    pub(crate) fn header_value(&self) -> Option<String> {
        match self {
            Auth::None => None,
            Auth::Bearer(t) => Some(format!("Bearer {t}")),
            Auth::Basic { username, password } => Some(format!(
                "Basic {}",
                base64(format!("{username}:{password}").as_bytes())
            )),
        }
    }
}

/// Parses `Name: value` (as curl's `-H`) into a header pair.
pub fn parse_header(raw: &str) -> Result<(String, String), Error> {
    let Some((name, value)) = raw.split_once(':') else {
        return Err(Error::Config(format!(
            "header {raw:?} is not `Name: value` (for example `X-Scope-OrgID: tenant1`)"
        )));
    };
    let name = name.trim();
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid {
        return Err(Error::Config(format!(
            "header name {name:?} is not a valid HTTP header name"
        )));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// Standard base64 with padding (RFC 4648 §4); only basic auth needs it.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want, "{input:?}");
        }
    }

    #[test]
    fn basic_auth_header_is_rfc7617() {
        let auth = Auth::Basic {
            username: "Aladdin".into(),
            password: "open sesame".into(),
        };
        assert_eq!(
            auth.header_value().as_deref(),
            Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        );
    }

    #[test]
    fn env_precedence_token_over_basic() {
        let env = |k: &str| match k {
            ENV_TOKEN => Some("tok".to_string()),
            ENV_USERNAME => Some("u".to_string()),
            _ => None,
        };
        assert_eq!(
            Auth::from_sources(None, env).unwrap(),
            Auth::Bearer("tok".into())
        );
        let env = |k: &str| (k == ENV_USERNAME).then(|| "u".to_string());
        assert_eq!(
            Auth::from_sources(None, env).unwrap(),
            Auth::Basic {
                username: "u".into(),
                password: String::new()
            }
        );
        assert_eq!(Auth::from_sources(None, |_| None).unwrap(), Auth::None);
        let env = |k: &str| (k == ENV_PASSWORD).then(|| "p".to_string());
        assert!(Auth::from_sources(None, env).is_err());
    }

    #[test]
    fn token_file_wins_and_is_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "secret\n").unwrap();
        let env = |_: &str| Some("other".to_string());
        assert_eq!(
            Auth::from_sources(Some(&path), env).unwrap(),
            Auth::Bearer("secret".into())
        );
        assert_eq!(
            format!("{:?}", Auth::Bearer("secret".into())),
            "Bearer(<redacted>)"
        );
    }

    #[test]
    fn headers_parse_like_curl() {
        assert_eq!(
            parse_header("X-Scope-OrgID: t1").unwrap(),
            ("X-Scope-OrgID".to_string(), "t1".to_string())
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: x").is_err());
    }
}
