//! Dashboard uids: stable, valid for Grafana, and also valid as Kubernetes object and file
//! names, derived from the service name alone.
//!
//! Grafana accepts uids of up to 40 characters from `[A-Za-z0-9_-]`, and some of its
//! databases compare them without regard to case. A service whose name is already a
//! lower-case DNS label that fits keeps it: `tr-web` → `slo-tr-web`. Any other name is
//! slugged and suffixed with a hash of the full name, so two names that slug alike still get
//! different uids and the same name always gets the same one: `Payments_API` →
//! `slo-payments-api-` and ten hex digits. Two services that still end on one uid (a hash collision,
//! or a service literally named like another's mapped form) are a [`Collision`].

use std::collections::BTreeMap;

/// Every uid starts with this, so slogen's dashboards sort together and keep clear of others.
pub const PREFIX: &str = "slo-";
/// The overview dashboard's uid.
pub const OVERVIEW: &str = "slo-overview";
/// Grafana's limit.
pub const MAX_LEN: usize = 40;
/// Hex digits of the name's hash in a mapped uid.
const HASH_DIGITS: usize = 10;

/// The uid of a service's dashboard.
pub fn service_uid(service: &str) -> String {
    if is_plain(service) && PREFIX.len() + service.len() <= MAX_LEN {
        return format!("{PREFIX}{service}");
    }
    let hash = format!("{:016x}", fnv1a64(service.as_bytes()));
    let hash = &hash[..HASH_DIGITS];
    let room = MAX_LEN - PREFIX.len() - 1 - HASH_DIGITS;
    let slug = slug(service, room);
    if slug.is_empty() {
        format!("{PREFIX}{hash}")
    } else {
        format!("{PREFIX}{slug}-{hash}")
    }
}

/// A lower-case DNS label: `[a-z0-9]`, with `-` inside.
fn is_plain(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// Lower-case ASCII letters and digits of `s`, every other run of characters one `-`, at most
/// `max` characters, no `-` at either end.
fn slug(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= max {
            break;
        }
    }
    out.truncate(max);
    out.trim_end_matches('-').to_string()
}

/// FNV-1a, 64 bits: a small, stable hash (the same on every platform and release).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// True for a uid Grafana accepts, that is also a Kubernetes name and a plain file name.
pub fn is_valid(uid: &str) -> bool {
    uid.len() <= MAX_LEN && is_plain(uid)
}

/// Services whose dashboards would share a uid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    pub uid: String,
    /// The services (or the overview, as `None`) mapped to it, sorted.
    pub owners: Vec<Option<String>>,
}

impl std::fmt::Display for Collision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .owners
            .iter()
            .map(|o| match o {
                Some(s) => format!("service {s:?}"),
                None => "the overview dashboard".to_string(),
            })
            .collect();
        write!(
            f,
            "dashboard uid {:?} would be shared by {}; rename one of the services",
            self.uid,
            names.join(" and ")
        )
    }
}

/// The uid of every service, plus the overview's; each collision once.
pub fn assign<'a>(
    services: impl IntoIterator<Item = &'a str>,
) -> Result<BTreeMap<String, String>, Vec<Collision>> {
    let mut by_uid: BTreeMap<String, Vec<Option<String>>> = BTreeMap::new();
    by_uid.entry(OVERVIEW.to_string()).or_default().push(None);
    let mut uids = BTreeMap::new();
    for s in services {
        if uids.contains_key(s) {
            continue;
        }
        let uid = service_uid(s);
        by_uid
            .entry(uid.clone())
            .or_default()
            .push(Some(s.to_string()));
        uids.insert(s.to_string(), uid);
    }
    let collisions: Vec<Collision> = by_uid
        .into_iter()
        .filter(|(_, owners)| owners.len() > 1)
        .map(|(uid, mut owners)| {
            owners.sort();
            Collision { uid, owners }
        })
        .collect();
    if collisions.is_empty() {
        Ok(uids)
    } else {
        Err(collisions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_published_test_vectors() {
        // From the FNV reference (isthe.com/chongo/tech/comp/fnv), 64-bit FNV-1a.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn plain_names_keep_their_name() {
        assert_eq!(service_uid("tr-web"), "slo-tr-web");
        assert_eq!(service_uid("api-gateway"), "slo-api-gateway");
        assert_eq!(service_uid("a"), "slo-a");
        let long36 = "a".repeat(36);
        assert_eq!(service_uid(&long36), format!("slo-{long36}"));
    }

    #[test]
    fn other_names_are_slugged_with_a_hash_of_the_whole_name() {
        let hash = |s: &str| format!("{:016x}", fnv1a64(s.as_bytes()))[..10].to_string();
        for (name, slug) in [
            ("Payments API", "payments-api"),
            ("payments_api", "payments-api"),
            ("payments.api", "payments-api"),
            ("-edge-", "edge"),
            ("__", ""),
            ("日本", ""),
            ("TrWeb", "trweb"),
        ] {
            let want = if slug.is_empty() {
                format!("slo-{}", hash(name))
            } else {
                format!("slo-{slug}-{}", hash(name))
            };
            assert_eq!(service_uid(name), want, "{name}");
        }
        let long = "x".repeat(37);
        let uid = service_uid(&long);
        assert_eq!(uid.len(), MAX_LEN, "{uid}");
        assert!(
            uid.starts_with(&format!("slo-{}-", "x".repeat(25))),
            "{uid}"
        );
    }

    #[test]
    fn every_uid_is_valid_and_distinct_for_distinct_names() {
        let names = [
            "tr-web",
            "TR-WEB",
            "tr_web",
            "tr.web",
            "tr web",
            "tr--web",
            "",
            " ",
            "-",
            "a/b",
            "a\\b",
            "a\"b",
            "émoji 🚀",
            &"long-name-".repeat(10),
        ];
        let mut seen = BTreeMap::new();
        for n in names {
            let uid = service_uid(n);
            assert!(is_valid(&uid), "{n:?} → {uid:?}");
            assert_eq!(uid, service_uid(n), "stable");
            if let Some(prev) = seen.insert(uid.clone(), n) {
                panic!("{prev:?} and {n:?} both map to {uid}");
            }
        }
    }

    #[test]
    fn collisions_are_reported_with_their_owners() {
        let hashed = service_uid("Tr Web");
        let squatter = hashed.trim_start_matches(PREFIX).to_string();
        let err = assign(["Tr Web", squatter.as_str(), "overview", "ok"]).unwrap_err();
        assert_eq!(err.len(), 2, "{err:?}");
        assert_eq!(err[0].uid, OVERVIEW);
        assert_eq!(err[0].owners, [None, Some("overview".to_string())]);
        assert_eq!(err[1].uid, hashed);
        assert_eq!(
            err[0].to_string(),
            "dashboard uid \"slo-overview\" would be shared by the overview dashboard and service \"overview\"; rename one of the services"
        );
        let ok = assign(["a", "b", "a"]).unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok["a"], "slo-a");
    }
}
