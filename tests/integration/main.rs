//! slogen's integration tests, compiled as one binary.

mod golden;
mod openslo;
mod promtool_check;
mod support;
