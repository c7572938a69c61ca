//! The pages: minijinja templates embedded at build time, HTML auto-escaping on, undefined
//! values an error; the stylesheet rendered once with the policy levels' colours; and the
//! headers every page carries (a Content-Security-Policy that allows no inline script, no
//! framing, no referrer).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use super::links::encode;
use crate::budget::policy::PolicyLevel;
use crate::http::reject;

const BASE: &str = include_str!("templates/base.html");
const OVERVIEW: &str = include_str!("templates/overview.html");
const SLO: &str = include_str!("templates/slo.html");
const CSS: &str = include_str!("templates/slogen.css");
/// Served as they are.
pub const JS: &str = include_str!("static/slogen.js");
pub const FAVICON: &str = include_str!("static/favicon.svg");

/// What pages may load and do: their own stylesheet, script and data, nothing else.
pub const CSP: &str =
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The templates, ready to render.
pub struct Pages {
    env: Environment<'static>,
    /// The stylesheet, rendered once.
    pub css: String,
}

#[derive(Serialize)]
struct LevelCss {
    name: &'static str,
    hex: &'static str,
    /// Dark or white text, whichever contrasts more.
    text: &'static str,
}

/// The text colours a badge can take.
const DARK_TEXT: &str = "#1f2328";
const LIGHT_TEXT: &str = "#ffffff";

/// WCAG 2 relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c =
            u8::from_str_radix(hex.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0) as f64 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
fn contrast(a: &str, b: &str) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Dark or white text, whichever contrasts more with `hex` (`#rrggbb`).
fn text_on(hex: &str) -> &'static str {
    if contrast(DARK_TEXT, hex) >= contrast(LIGHT_TEXT, hex) {
        DARK_TEXT
    } else {
        LIGHT_TEXT
    }
}

impl Pages {
    pub fn new() -> Pages {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.add_filter("pathenc", |s: String| encode(&s));
        for (name, source) in [
            ("base.html", BASE),
            ("overview.html", OVERVIEW),
            ("slo.html", SLO),
            ("slogen.css", CSS),
        ] {
            env.add_template(name, source)
                .expect("the embedded templates parse (a unit test renders each)");
        }
        let levels: Vec<LevelCss> = PolicyLevel::ALL
            .iter()
            .map(|l| LevelCss {
                name: l.name(),
                hex: l.colour(),
                text: text_on(l.colour()),
            })
            .collect();
        let css = env
            .get_template("slogen.css")
            .and_then(|t| {
                t.render(minijinja::context! {
                    levels => levels,
                    freeze_hex => PolicyLevel::Freeze.colour(),
                })
            })
            .expect("the stylesheet renders");
        Pages { env, css }
    }

    /// Renders `name` with `ctx` as an HTML response; a template error is a 500 with its
    /// one-line reason (a bug: the unit tests render every template).
    pub fn html(&self, name: &str, ctx: impl Serialize) -> Response {
        match self.env.get_template(name).and_then(|t| t.render(ctx)) {
            Ok(body) => page(StatusCode::OK, "text/html; charset=utf-8", body),
            Err(e) => reject(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("rendering {name} failed: {e}"),
            ),
        }
    }

    /// Renders `name` to text (for tests).
    pub fn render(&self, name: &str, ctx: impl Serialize) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(ctx)
    }
}

impl Default for Pages {
    fn default() -> Self {
        Pages::new()
    }
}

/// A response with the headers every answer of this server carries.
pub fn page(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A JSON response.
pub fn json(value: &impl Serialize) -> Response {
    match serde_json::to_string_pretty(value) {
        Ok(mut body) => {
            body.push('\n');
            page(StatusCode::OK, "application/json", body)
        }
        Err(e) => reject(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("encoding JSON failed: {e}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_colours_read_on_their_badges() {
        // WCAG 2's own examples: black on white is 21:1, a colour on itself 1:1.
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((contrast("#767676", "#767676") - 1.0).abs() < 1e-9);
        // #767676 is the lightest grey with 4.5:1 on white (a known WCAG figure).
        assert!((contrast("#767676", "#ffffff") - 4.54).abs() < 0.01);
        assert_eq!(text_on("#000000"), LIGHT_TEXT);
        assert_eq!(text_on("#ffffff"), DARK_TEXT);
        let css = Pages::new().css;
        for l in PolicyLevel::ALL {
            let text = text_on(l.colour());
            // AA for bold badge text (large-text rule is 3:1; these clear 4.4:1).
            assert!(contrast(text, l.colour()) > 4.4, "{l:?} {text}");
            assert!(
                css.contains(&format!(
                    ".level-{} {{ background: {}; color: {text};",
                    l.name(),
                    l.colour()
                )),
                "{css}"
            );
        }
    }
}
